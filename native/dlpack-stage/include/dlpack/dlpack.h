/*
 * dlpack.h: the DLPack 1.1 C ABI (the structs, enums and flags a producer and a consumer share).
 *
 * Written for causalmm from the public DLPack specification (project dmlc/dlpack). Names, field
 * order, widths and enumeration values are those of DLPack 1.1 so that this header is
 * interchangeable with the upstream one for everything declared here; the upstream fast-exchange
 * (Python) API and the device types causalmm never sees are left out. Debian's libdlpack-dev ships
 * DLPack 0.6, which predates DLManagedTensorVersioned, hence this file.
 *
 * DLPack is Copyright (c) 2017 by Contributors and licensed under the Apache License, Version 2.0:
 * you may not use this file except in compliance with the License; a copy is at
 * https://www.apache.org/licenses/LICENSE-2.0 . Distributed on an "AS IS" BASIS, WITHOUT WARRANTIES
 * OR CONDITIONS OF ANY KIND, either express or implied.
 */
#ifndef DLPACK_DLPACK_H_
#define DLPACK_DLPACK_H_

#include <stddef.h>
#include <stdint.h>

#define DLPACK_MAJOR_VERSION 1
#define DLPACK_MINOR_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

/* A major version change means a new layout of DLManagedTensorVersioned; a consumer that sees one
 * it does not know may only call the deleter. */
typedef struct {
  uint32_t major;
  uint32_t minor;
} DLPackVersion;

/* Where the memory lives. */
typedef enum {
  kDLCPU = 1,          /* host memory */
  kDLCUDA = 2,         /* CUDA device memory */
  kDLCUDAHost = 3,     /* pinned host memory (cudaMallocHost) */
  kDLOpenCL = 4,
  kDLVulkan = 7,
  kDLMetal = 8,
  kDLVPI = 9,
  kDLROCM = 10,
  kDLROCMHost = 11,
  kDLExtDev = 12,
  kDLCUDAManaged = 13, /* unified memory (cudaMallocManaged) */
  kDLOneAPI = 14,
  kDLWebGPU = 15,
  kDLHexagon = 16,
  kDLMAIA = 17,
  kDLTrn = 18
} DLDeviceType;

typedef struct {
  DLDeviceType device_type; /* a 4-byte enum on every supported ABI */
  int32_t device_id;        /* 0 for plain host memory */
} DLDevice;

/* Element kinds (DLDataType.code). */
typedef enum {
  kDLInt = 0U,
  kDLUInt = 1U,
  kDLFloat = 2U,
  kDLOpaqueHandle = 3U,
  kDLBfloat = 4U,
  kDLComplex = 5U,
  kDLBool = 6U,
  kDLFloat8_e3m4 = 7U,
  kDLFloat8_e4m3 = 8U,
  kDLFloat8_e4m3b11fnuz = 9U,
  kDLFloat8_e4m3fn = 10U,
  kDLFloat8_e4m3fnuz = 11U,
  kDLFloat8_e5m2 = 12U,
  kDLFloat8_e5m2fnuz = 13U,
  kDLFloat8_e8m0fnu = 14U,
  kDLFloat6_e2m3fn = 15U,
  kDLFloat6_e3m2fn = 16U,
  kDLFloat4_e2m1fn = 17U
} DLDataTypeCode;

/* Element type: float32 is {kDLFloat, 32, 1}; bool is {kDLBool, 8, 1}. Native byte order. */
typedef struct {
  uint8_t code;   /* a DLDataTypeCode */
  uint8_t bits;
  uint16_t lanes; /* > 1 for vector types */
} DLDataType;

/* A view of memory; owns nothing. Element (i0, i1, ...) lives at
 * (char*)data + byte_offset + (i0*strides[0] + i1*strides[1] + ...) * bits/8. */
typedef struct {
  void* data;           /* host or device pointer (may be NULL for an empty tensor) */
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;       /* ndim entries */
  int64_t* strides;     /* ndim entries, in elements; NULL meant "compact row-major" before 1.0 */
  uint64_t byte_offset; /* bytes from data to the first element */
} DLTensor;

/* The legacy (pre-1.0) managed tensor: the consumer calls deleter(self) exactly once when done. */
typedef struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensor* self);
} DLManagedTensor;

#define DLPACK_FLAG_BITMASK_READ_ONLY (1UL << 0UL)              /* the consumer must not write */
#define DLPACK_FLAG_BITMASK_IS_COPIED (1UL << 1UL)              /* the producer made a private copy */
#define DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED (1UL << 2UL) /* sub-byte elements are padded */

/* The DLPack >= 1.0 managed tensor. version, manager_ctx and deleter stay where they are in every
 * future major version, so a consumer can always release what it cannot read. */
typedef struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
} DLManagedTensorVersioned;

#ifdef __cplusplus
}
#endif
#endif /* DLPACK_DLPACK_H_ */
