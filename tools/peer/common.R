# Shared helpers for the peer scripts (sourced). Args: <data dir> <output csv>.
args <- commandArgs(trailingOnly = TRUE)
DIR <- args[1]
OUT <- args[2]
RES <- new.env()
RES$key <- character(0)
RES$value <- numeric(0)
put <- function(key, value) {
  RES$key <- c(RES$key, key)
  RES$value <- c(RES$value, as.numeric(value))
}
done <- function() {
  write.csv(data.frame(key = RES$key, value = sprintf("%.15g", RES$value)), OUT, row.names = FALSE)
}
# US 48-state queen contiguity written by run.py (0/1, rows/cols in the book's w.id_order);
# spdep row-standardises it (style "W").
us_listw <- function() {
  M <- as.matrix(read.csv(file.path(DIR, "w_us48.csv"), row.names = 1, check.names = FALSE))
  list(M = M, listw = spdep::mat2listw(M, style = "W"), ids = rownames(M))
}
