# Knowledge production function on Cincera's PatentsRD panel: Poisson GLM (pooled, sector and
# firm dummies) and MASS::glm.nb (NB2), year dummies throughout, standard errors clustered by
# firm with sandwich::vcovCL (type HC1: G/(G-1) x (N-1)/(N-K)). vcovCL on glm.nb uses the glm
# bread -- the IRLS (expected) information for beta with theta held at its estimate -- and the
# beta score only.
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
suppressPackageStartupMessages({library(MASS); library(sandwich)})
d <- read.csv(file.path(DIR, "patents_rd.csv"))
d$year <- factor(d$year); d$sector <- factor(d$sector); d$firm_f <- factor(d$firm)
tot <- ave(d$patents, d$firm, FUN = sum)
specs <- list(
  pois_pooled = list(f = patents ~ log_rd + log_spill + year, nb = FALSE, data = d),
  pois_sector = list(f = patents ~ log_rd + log_spill + year + sector, nb = FALSE, data = d),
  pois_firm = list(f = patents ~ log_rd + log_spill + year + firm_f, nb = FALSE, data = d[tot > 0, ]),
  nb_pooled = list(f = patents ~ log_rd + log_spill + year, nb = TRUE, data = d),
  nb_sector = list(f = patents ~ log_rd + log_spill + year + sector, nb = TRUE, data = d))
for (nm in names(specs)) {
  s <- specs[[nm]]
  dd <- droplevels(s$data)
  m <- if (s$nb) glm.nb(s$f, data = dd, control = glm.control(epsilon = 1e-12, maxit = 200)) else
    glm(s$f, data = dd, family = poisson(), control = glm.control(epsilon = 1e-12, maxit = 200))
  V <- vcovCL(m, cluster = ~firm, type = "HC1")
  for (r in c("log_rd", "log_spill")) {
    put(paste0(nm, "_", r), coef(m)[[r]])
    if (s$nb) {
      put(paste0(nm, "_", r, "_se_expected"), sqrt(V[r, r]))
      put(paste0(nm, "_", r, "_se_joint_vs_expected"), sqrt(V[r, r]))
    } else {
      put(paste0(nm, "_", r, "_se"), sqrt(V[r, r]))
    }
  }
  if (s$nb) put(paste0(nm, "_alpha"), 1 / m$theta)
}
done()
