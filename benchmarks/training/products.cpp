// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// training_products: GFLOPS of the matrix products one training step of T3 and T4 runs
// (forward Z = A W, backward dW = A^T G and dA = G W^T), with the kernel this program
// was compiled for: Eigen's own (training_products) or a BLAS through EIGEN_USE_BLAS
// (training_products_blas, built when CMake finds OpenBLAS). docs/benchmarks.md,
// "Training throughput", chooses TAPEGRAD_BLAS's default from these figures.
//
//     cmake --build build --target training_products training_products_blas
//     build/benchmarks/training/training_products
//     OPENBLAS_NUM_THREADS=1 build/benchmarks/training/training_products_blas
//
// Each product: the best of 7 timings of enough repetitions to last about 20 ms.

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>

namespace {

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

enum class Form { forward, weight_gradient, input_gradient };

/// GFLOPS of one product for a layer fan_in -> fan_out at batch M.
template <class T>
double gflops(Form form, Eigen::Index M, Eigen::Index fan_in, Eigen::Index fan_out) {
  const Matrix<T> A = Matrix<T>::Random(M, fan_in), W = Matrix<T>::Random(fan_in, fan_out),
                  G = Matrix<T>::Random(M, fan_out);
  Matrix<T> out = form == Form::forward           ? Matrix<T>::Zero(M, fan_out)
                  : form == Form::weight_gradient ? Matrix<T>::Zero(fan_in, fan_out)
                                                  : Matrix<T>::Zero(M, fan_in);
  const auto once = [&] {
    switch (form) {
      case Form::forward:
        out.noalias() = A * W;
        break;
      case Form::weight_gradient:
        out.noalias() += A.transpose() * G;  // accumulated, as the tape's adjoints are
        break;
      case Form::input_gradient:
        out.noalias() += G * W.transpose();
        break;
    }
  };
  const double flops = 2.0 * double(M) * double(fan_in) * double(fan_out);
  const auto reps = std::max<long>(1, static_cast<long>(20e-3 * 20e9 / flops));  // ~20 ms at 20 GFLOPS
  double best = 1e300;
  for (int round = 0; round < 7; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (long r = 0; r < reps; ++r) once();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (!(out.array() == out.array()).all()) std::printf("(NaN)\n");  // keeps the products observable
  return flops * double(reps) / best * 1e-9;
}

template <class T>
void layer(const char* model, Eigen::Index M, Eigen::Index fan_in, Eigen::Index fan_out, bool first) {
  std::printf("%-16s %-7s M = %4ld  %4ld -> %4ld   A W %6.1f   A^T G %6.1f   G W^T %6.1f GFLOPS\n", model,
              sizeof(T) == sizeof(double) ? "float64" : "float32", static_cast<long>(M), static_cast<long>(fan_in),
              static_cast<long>(fan_out), gflops<T>(Form::forward, M, fan_in, fan_out),
              gflops<T>(Form::weight_gradient, M, fan_in, fan_out),
              first ? 0.0 : gflops<T>(Form::input_gradient, M, fan_in, fan_out));
  std::fflush(stdout);
}

template <class T>
void all_layers() {
  for (Eigen::Index M : {32, 128, 512}) {
    layer<T>("784-256-128-10", M, 784, 256, true);
    layer<T>("784-256-128-10", M, 256, 128, false);
    layer<T>("784-256-128-10", M, 128, 10, false);
  }
  layer<T>("784-1024-1024-10", 256, 784, 1024, true);
  layer<T>("784-1024-1024-10", 256, 1024, 1024, false);
  layer<T>("784-1024-1024-10", 256, 1024, 10, false);
}

}  // namespace

int main() {
  std::printf("training_products: Eigen %d.%d.%d, %s; best of 7 (G W^T 0: the first layer has no input gradient)\n",
              EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
#ifdef EIGEN_USE_BLAS
              "products through BLAS (EIGEN_USE_BLAS)"
#else
              "Eigen's own kernels"
#endif
  );
  all_layers<double>();
  all_layers<float>();
  return 0;
}
