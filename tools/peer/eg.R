# Ellison-Glaeser (1997, eq. 4) and Maurel-Sedillot (1999) gamma written out directly:
#   s_ri = e_ri / sum_r e_ri;  G = sum_r (s_ri - x_r)^2;  gamma = (G - (1 - sum x^2) H) / ((1 - sum x^2)(1 - H))
#   G_ms = (sum_r s_ri^2 - sum_r x_r^2) / (1 - sum_r x_r^2);  gamma_ms = (G_ms - H) / (1 - H)
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
t <- read.csv(file.path(DIR, "eg_table.csv"), colClasses = c(naics = "character"))
H <- read.csv(file.path(DIR, "eg_H.csv"), colClasses = c(naics = "character"))
x <- read.csv(file.path(DIR, "eg_x.csv"))
sx2 <- sum(x$x^2)
out <- do.call(rbind, lapply(split(t, t$naics), function(d) {
  e <- tapply(d$emp, d$state_fips, sum)
  s <- setNames(rep(0, nrow(x)), x$state_fips)
  s[names(e)] <- e / sum(e)
  G <- sum((s - x$x)^2)
  h <- H$H[H$naics == d$naics[1]]
  gms <- (sum(s^2) - sx2) / (1 - sx2)
  data.frame(naics = d$naics[1], gamma = (G - (1 - sx2) * h) / ((1 - sx2) * (1 - h)),
             gamma_ms = (gms - h) / (1 - h))
}))
write.csv(out, file.path(DIR, "peer_eg.csv"), row.names = FALSE)
put("eg_gamma_mean", mean(out$gamma))
done()
