#ifndef CVECTORSCAN_SHIM_H
#define CVECTORSCAN_SHIM_H
/* Vectorscan (Hyperscan's portable fork): the same hs.h and pkg-config name libhs. */
#include <hs.h>
#endif
