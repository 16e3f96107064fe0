// The declaration in include/CFuzzDriver.h is all this target offers; libFuzzer defines the function.
