# Moran's I, LISA, residual Moran, cross-section SAR/SEM/SDM and LeSage-Pace impacts (spdep,
# spatialreg) on the 48 states with the book's queen contiguity.
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages({library(spdep); library(spatialreg)})
W <- us_listw()
lw <- W$listw
inc <- read.csv(file.path(DIR, "us_income_years.csv"), check.names = FALSE)
stopifnot(identical(inc$state, W$ids))
for (y in c(1929, 1960, 2009)) {
  x <- inc[[paste0("y", y)]]
  x <- x / mean(x)
  m <- moran.test(x, lw, randomisation = FALSE, alternative = "greater")
  put(paste0("moran_I_", y), m$estimate[["Moran I statistic"]])
  put(paste0("moran_z_", y), m$statistic[[1]])
  put(paste0("moran_p_", y), m$p.value)
}
x <- inc$y1929 / mean(inc$y1929)
lm29 <- localmoran(x, lw)
write.csv(data.frame(state = inc$state, Ii = lm29[, "Ii"]), file.path(DIR, "peer_lisa_1929.csv"),
          row.names = FALSE)
d <- read.csv(file.path(DIR, "us_cs_1929_2009.csv"))
stopifnot(identical(d$state, W$ids))
o <- lm(growth ~ lny0, data = d)
mt <- lm.morantest(o, lw, alternative = "greater")
put("ols_resid_moran_I", mt$estimate[["Observed Moran I"]])
put("ols_resid_moran_p_onesided", mt$p.value)
fits <- list(
  SAR = lagsarlm(growth ~ lny0, data = d, listw = lw, method = "eigen"),
  SEM = errorsarlm(growth ~ lny0, data = d, listw = lw, method = "eigen"),
  SDM = lagsarlm(growth ~ lny0, data = d, listw = lw, method = "eigen", type = "mixed"))
for (m in names(fits)) {
  f <- fits[[m]]
  if (m == "SEM") put("cs_SEM_lambda", f$lambda) else put(paste0("cs_", m, "_rho"), f$rho)
  put(paste0("cs_", m, "_lny0"), coef(f)[["lny0"]])
  put(paste0("cs_", m, "_logl"), as.numeric(logLik(f)))
  if (m == "SDM") put("cs_SDM_W_lny0", coef(f)[["lag.lny0"]])
  if (m != "SEM") {
    im <- impacts(f, listw = lw)
    put(paste0("cs_", m, "_eff_direct"), im$direct[1])
    put(paste0("cs_", m, "_eff_indirect"), im$indirect[1])
    put(paste0("cs_", m, "_eff_total"), im$total[1])
  }
}
done()
