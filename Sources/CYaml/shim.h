#ifndef FATHOM_CYAML_SHIM_H
#define FATHOM_CYAML_SHIM_H
#include <yaml.h>
#endif
