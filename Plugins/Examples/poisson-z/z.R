# klynge process plugin `poisson_z` in base R: reads klynge's typed CSV on stdin (the input
# columns, then @value = X and @per = N), writes the added columns as typed CSV on stdout.
input <- read.csv(file("stdin"), check.names = FALSE, stringsAsFactors = FALSE, na.strings = "",
                  colClasses = "character")
column <- function(name) as.numeric(input[[grep(paste0("^", name, ":"), names(input))]])
x <- column("@value")
n <- column("@per")
if (any(n <= 0, na.rm = TRUE)) {
  message("poisson_z: a denominator is not positive (row ", which(n <= 0)[1], ")")
  quit(status = 1)
}
use <- !is.na(x) & !is.na(n)
expected <- n * sum(x[use]) / sum(n[use])
z <- (x - expected) / sqrt(expected)
p <- 2 * pnorm(-abs(z))
cell <- function(v) ifelse(is.na(v), "", formatC(v, digits = 17, format = "g"))
cat("expected:decimal,z:decimal,p_value:decimal\n")
if (nrow(input) > 0) cat(paste(cell(expected), cell(z), cell(p), sep = ","), sep = "\n")
if (nrow(input) > 0) cat("\n")
