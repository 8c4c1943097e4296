// SPDX-License-Identifier: MIT
// The same header check, compiled as C++ (see test_abi_header.c).
#include "test_abi_header.c"
