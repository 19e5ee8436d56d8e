# PPML gravity with citing- and cited-city dummies by glm(family = poisson) (Santos Silva &
# Tenreyro 2006), on the 40 largest citing cities of the EU citation flows.
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "common.R"))
d <- read.csv(file.path(DIR, "gravity_small.csv"))
m <- glm(count ~ log_dist + same_country + factor(citing) + factor(cited), data = d,
         family = poisson(), control = glm.control(epsilon = 1e-12, maxit = 100))
put("ppml_log_dist", coef(m)[["log_dist"]])
put("ppml_same_country", coef(m)[["same_country"]])
done()
