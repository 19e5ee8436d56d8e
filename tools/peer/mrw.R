# Mankiw, Romer & Weil (1992) Tables I, II (levels) and IV, V (conditional convergence) by lm.
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
v <- read.csv(file.path(DIR, "mrw.csv"))
v$ln_sk_ngd <- v$ln_sk - v$ln_ngd
v$ln_sh_ngd <- v$ln_sh - v$ln_ngd
v$conv <- v$ln_y85 - v$ln_y60
forms <- list(
  textbook_u = "~ ln_sk + ln_ngd", textbook_r = "~ ln_sk_ngd",
  augmented_u = "~ ln_sk + ln_ngd + ln_sh", augmented_r = "~ ln_sk_ngd + ln_sh_ngd")
for (s in c("nonoil", "intermediate", "oecd")) {
  d <- v[v[[s]] == 1, ]
  for (nm in names(forms)) {
    for (cv in c(FALSE, TRUE)) {
      rhs <- forms[[nm]]
      f <- if (cv) as.formula(paste("conv", sub("~", "~ ln_y60 +", rhs))) else
        as.formula(paste("ln_y85", rhs))
      m <- lm(f, data = d)
      parts <- strsplit(nm, "_")[[1]]
      tag <- paste0("mrw_", parts[1], "_", s, "_", parts[2], if (cv) "c" else "")
      cf <- coef(m); se <- sqrt(diag(vcov(m)))
      for (t in names(cf)) {
        k <- if (t == "(Intercept)") "const" else t
        put(paste0(tag, "_", k), cf[[t]])
        put(paste0(tag, "_", k, "_se"), se[[t]])
      }
      put(paste0(tag, "_adjr2"), summary(m)$adj.r.squared)
    }
  }
}
done()
