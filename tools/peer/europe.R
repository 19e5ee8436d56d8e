# Europe convergence page: Moran's I (spdep, normality) of log GDP per capita on the NUTS-2
# queen contiguity with islands linked to their nearest region, and the NLS beta 1900-2015.
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages(library(spdep))
M <- as.matrix(read.csv(file.path(DIR, "eu_w.csv"), row.names = 1, check.names = FALSE))
lw <- mat2listw(M, style = "W")
d <- read.csv(file.path(DIR, "eu_income.csv"))
stopifnot(identical(d$region, rownames(M)))
for (y in c(1900, 2015)) {
  m <- moran.test(log(d[[paste0("y", y)]]), lw, randomisation = FALSE)
  put(paste0("eu_moran_I_", y), m$estimate[["Moran I statistic"]])
  put(paste0("eu_moran_z_", y), m$statistic[[1]])
}
T <- 115
d$lny0 <- log(d$y1900)
d$g <- log(d$y2015 / d$y1900) / T
o <- lm(g ~ lny0, data = d)
n <- nls(g ~ a - (1 - exp(-beta * T)) / T * lny0, data = d,
         start = list(a = coef(o)[[1]], beta = -log(1 + coef(o)[[2]] * T) / T))
put("eu_nls_beta", coef(n)[["beta"]])
done()
