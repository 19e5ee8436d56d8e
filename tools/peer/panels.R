# Munnell/Produc: pooled, within, random (Swamy-Arora) and two-way within by plm; fixed-effects
# spatial lag / error / Durbin panels by concentrated ML. spatialreg has no panel ML, and splm
# is not packaged by Debian, so the peer is built from its parts exactly as Elhorst (2003)
# defines the estimator: within-demean y and X by state, then spatialreg::lagsarlm /
# errorsarlm on the demeaned data with the block-diagonal weights I_T (x) W (W row-standardised
# 48-state queen contiguity, one block per year). Because W acts within a year, demeaning
# commutes with W (mean_t W y_t = W mean_t y_t), so this is the FE estimator; logLik is the
# Gaussian likelihood with sigma^2 = e'e/NT and log|I_NT - rho I_T (x) W| = T log|I - rho W|.
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages({library(plm); library(spdep); library(spatialreg)})
p <- read.csv(file.path(DIR, "produc.csv"))
pd <- pdata.frame(p, index = c("state", "year"))
fm <- lgsp ~ lpcap + lpc + lemp + unemp
X <- c("lpcap", "lpc", "lemp", "unemp")
mods <- list(pooling = plm(fm, pd, model = "pooling"), within = plm(fm, pd, model = "within"),
             random = plm(fm, pd, model = "random"),
             twoways = plm(fm, pd, model = "within", effect = "twoways"))
for (m in names(mods)) {
  cf <- coef(mods[[m]]); se <- sqrt(diag(vcov(mods[[m]])))
  for (t in names(cf)) {
    k <- if (t == "(Intercept)") "const" else t
    put(paste0("plm_", m, "_", k), cf[[t]])
    put(paste0("plm_", m, "_", k, "_se"), se[[t]])
  }
}
W <- us_listw()
years <- sort(unique(p$year))
p <- p[order(p$year, match(p$state, W$ids)), ]
stopifnot(all(p$state == rep(W$ids, length(years))))
Wn <- W$M / rowSums(W$M)
for (v in X) p[[paste0("W_", v)]] <- unlist(lapply(years, function(y) Wn %*% p[p$year == y, v]))
cols <- c("lgsp", X, paste0("W_", X))
dm <- p
for (v in cols) dm[[v]] <- p[[v]] - ave(p[[v]], p$state)
big <- spdep::mat2listw(kronecker(diag(length(years)), W$M), style = "W")
f_lag <- lagsarlm(lgsp ~ lpcap + lpc + lemp + unemp - 1, data = dm, listw = big, method = "eigen")
f_err <- errorsarlm(lgsp ~ lpcap + lpc + lemp + unemp - 1, data = dm, listw = big, method = "eigen")
f_sdm <- lagsarlm(lgsp ~ lpcap + lpc + lemp + unemp + W_lpcap + W_lpc + W_lemp + W_unemp - 1,
                  data = dm, listw = big, method = "eigen")
put("spfe_lag_rho", f_lag$rho)
put("spfe_error_lambda", f_err$lambda)
put("spfe_durbin_rho", f_sdm$rho)
for (t in X) {
  put(paste0("spfe_lag_", t), coef(f_lag)[[t]])
  put(paste0("spfe_error_", t), coef(f_err)[[t]])
}
for (t in c(X, paste0("W_", X))) put(paste0("spfe_durbin_", t), coef(f_sdm)[[t]])
put("spfe_lag_logl", as.numeric(logLik(f_lag)))
put("spfe_error_logl", as.numeric(logLik(f_err)))
put("spfe_durbin_logl", as.numeric(logLik(f_sdm)))
done()
