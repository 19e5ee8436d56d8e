# beta-convergence 1929-2009 on the 48 states: OLS (lm) and NLS (nls), BSM (1992) eq. 11.
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
d <- read.csv(file.path(DIR, "us_cs_1929_2009.csv"))
T <- 80
o <- lm(growth ~ lny0, data = d)
put("conv_ols_slope", coef(o)[["lny0"]])
put("conv_ols_slope_se", sqrt(diag(vcov(o)))[["lny0"]])
b0 <- -log(1 + coef(o)[["lny0"]] * T) / T
n <- nls(growth ~ a - (1 - exp(-beta * T)) / T * lny0, data = d,
         start = list(a = coef(o)[[1]], beta = b0))
put("conv_nls_beta", coef(n)[["beta"]])
put("conv_nls_beta_se", sqrt(diag(vcov(n)))[["beta"]])
done()
