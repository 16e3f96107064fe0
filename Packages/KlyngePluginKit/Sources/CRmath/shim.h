// R's standalone math library: the same distribution functions R itself uses.
#define MATHLIB_STANDALONE
#include <Rmath.h>
