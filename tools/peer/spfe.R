# Fixed-effects spatial lag / error / Durbin panels for the cases listed in spfe_cases.csv
# (written by run.py): same construction as panels.R -- within-demean by entity, WX built
# within each period, spatialreg::lagsarlm / errorsarlm on the demeaned data with the
# block-diagonal weights I_T (x) W (W as written, re-row-standardised by spdep, style "W").
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages({library(spdep); library(spatialreg)})
cases <- read.csv(file.path(DIR, "spfe_cases.csv"), stringsAsFactors = FALSE)
for (i in seq_len(nrow(cases))) {
  cs <- cases[i, ]
  p <- read.csv(file.path(DIR, cs$data), stringsAsFactors = FALSE)
  M <- as.matrix(read.csv(file.path(DIR, cs$w), row.names = 1, check.names = FALSE))
  ids <- rownames(M)
  X <- strsplit(cs$x, ";")[[1]]
  p$.id <- as.character(p[[cs$entity]])
  periods <- sort(unique(p[[cs$time]]))
  p <- p[order(p[[cs$time]], match(p$.id, ids)), ]
  stopifnot(all(p$.id == rep(ids, length(periods))))
  Wn <- M / rowSums(M)
  for (v in X) p[[paste0("W_", v)]] <- unlist(lapply(periods, function(t)
    Wn %*% p[p[[cs$time]] == t, v]))
  cols <- c(cs$y, X, paste0("W_", X))
  for (v in cols) p[[v]] <- p[[v]] - ave(p[[v]], p$.id)
  big <- spdep::mat2listw(kronecker(diag(length(periods)), M), style = "W")
  f1 <- as.formula(paste(cs$y, "~", paste(X, collapse = " + "), "- 1"))
  f2 <- as.formula(paste(cs$y, "~", paste(c(X, paste0("W_", X)), collapse = " + "), "- 1"))
  fits <- list(lag = lagsarlm(f1, data = p, listw = big, method = "eigen"),
               error = errorsarlm(f1, data = p, listw = big, method = "eigen"),
               durbin = lagsarlm(f2, data = p, listw = big, method = "eigen"))
  for (m in names(fits)) {
    f <- fits[[m]]
    k <- paste0(cs$case, "_", m, "_")
    if (m == "error") put(paste0(k, "lambda"), f$lambda) else put(paste0(k, "rho"), f$rho)
    for (t in names(coef(f))) if (t %in% cols) put(paste0(k, t), coef(f)[[t]])
    put(paste0(k, "logl"), as.numeric(logLik(f)))
  }
}
done()
