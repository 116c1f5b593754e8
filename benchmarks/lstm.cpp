// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// L1, L2 lstm: the LSTM objective of ADBench (Srajer, Kukelova, Fitzgibbon, "A benchmark
// of selected algorithmic differentiation tools on some problems in computer vision and
// machine learning", 2018), written here from its definition.
// L1: 2 layers, L2: 4 layers; hidden and input size b = 14, c = 1,024 characters.
//
// ADBench's cell is "diagonal": every weight multiplies element-wise. Per layer l the
// parameters are weights Wf, Wi, Wo, Wc and biases bf, bi, bo, bc (forget, input, output,
// cell), each of size b. Per time step t, with x_t the t-th character, the first layer's
// input is v = x_t .* w_in, and each layer l, with its state (h_l, s_l), does
//   f = sigmoid(v .* Wf + bf),   i = tanh(h_l .* Wi + bi),
//   o = sigmoid(v .* Wo + bo),   g = tanh(h_l .* Wc + bc),
//   s_l = s_l .* f + i .* g,     h_l = o .* tanh(s_l),        v = h_l (the next layer's input).
// Then y = h_L .* w_out + b_out and ynorm = y - log(sum(exp(y))) (a log-softmax), and
//   J(w) = - sum_{t=0}^{c-2} sum_k ynorm_k(t) x_{t+1,k} / ((c - 1) b).
// The state carries over from step to step, starting from a fixed initial state.
// w = (main_params: per layer [Wf Wi Wo Wc | bf bi bo bc], 8 b numbers; extra_params:
// [w_in | w_out | b_out], 3 b numbers): 2 * 4 b L + 3 b = 266 (L1), 490 (L2) inputs.
// The initial state and the sequence are data, not differentiated.
// Replaced by random data: ADBench's sequence is one-hot-like encoded real text; here
// every x_t is seeded uniform numbers in [-1, 1), as are the parameters and the state.
// y stays small (|h| < 1, |w| < 1), so log(sum(exp(y))) needs no shift by its maximum.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr std::size_t kB = 14;          // hidden and input size
constexpr std::size_t kC = 1024;        // characters in the sequence
constexpr std::size_t kLayer = 8 * kB;  // main_params per layer

/// The sizes and the data: the sequence and the initial state.
struct Data {
  std::size_t layers = 0;
  std::vector<double> seq;    // kC x kB, one character per row
  std::vector<double> state;  // per layer: h (kB), then s (kB)
  std::size_t params() const { return layers * kLayer + 3 * kB; }
};

std::shared_ptr<const Data> make_data(std::size_t layers, std::uint64_t seed) {
  auto data = std::make_shared<Data>();
  data->layers = layers;
  data->seq = uniform(kC * kB, -1.0, 1.0, seed);
  data->state = uniform(layers * 2 * kB, -1.0, 1.0, seed + 1);
  return data;
}

/// J, written once for every scalar type S.
struct LstmObjective {
  std::shared_ptr<const Data> data;

  template <class S>
  S operator()(const S* w) const {
    using std::exp;
    using std::log;
    using std::tanh;
    const Data& D = *data;
    const std::size_t L = D.layers;
    const S* w_in = w + L * kLayer;
    const S* w_out = w_in + kB;
    const S* b_out = w_out + kB;

    std::vector<S> h(L * kB), s(L * kB), v(kB), y(kB);
    for (std::size_t l = 0; l < L; ++l)
      for (std::size_t k = 0; k < kB; ++k) {
        h[l * kB + k] = D.state[2 * l * kB + k];
        s[l * kB + k] = D.state[2 * l * kB + kB + k];
      }

    S total = 0.0;
    for (std::size_t t = 0; t + 1 < kC; ++t) {
      const double* x = D.seq.data() + t * kB;
      for (std::size_t k = 0; k < kB; ++k) v[k] = x[k] * w_in[k];
      for (std::size_t l = 0; l < L; ++l) {
        const S* Wt = w + l * kLayer;  // Wf, Wi, Wo, Wc
        const S* bs = Wt + 4 * kB;     // bf, bi, bo, bc
        S* hl = h.data() + l * kB;
        S* sl = s.data() + l * kB;
        for (std::size_t k = 0; k < kB; ++k) {
          const S f = 1.0 / (1.0 + exp(-(v[k] * Wt[k] + bs[k])));
          const S i = tanh(hl[k] * Wt[kB + k] + bs[kB + k]);
          const S o = 1.0 / (1.0 + exp(-(v[k] * Wt[2 * kB + k] + bs[2 * kB + k])));
          const S g = tanh(hl[k] * Wt[3 * kB + k] + bs[3 * kB + k]);
          sl[k] = sl[k] * f + i * g;
          hl[k] = o * tanh(sl[k]);
          v[k] = hl[k];  // this layer's output is the next one's input
        }
      }
      // y and its log-softmax against the next character.
      S sum_exp = 0.0;
      for (std::size_t k = 0; k < kB; ++k) {
        y[k] = v[k] * w_out[k] + b_out[k];
        sum_exp += exp(y[k]);
      }
      const S lse = log(sum_exp);
      const double* next = x + kB;
      for (std::size_t k = 0; k < kB; ++k) total += (y[k] - lse) * next[k];
    }
    return -total / static_cast<double>((kC - 1) * kB);
  }
};

/// Backpropagation through time. The forward pass keeps, per step and layer, the gates
/// (f, i, o, g), tanh(s) and the state after the step; the backward pass walks the steps
/// from last to first, each step's layers from top to bottom, carrying dJ/dh and dJ/ds of
/// every layer's state to the step before. With p = softmax(y) and x' the next character,
/// dJ/dy = -(x' - p sum(x')) / ((c - 1) b).
class HandGradient {
 public:
  explicit HandGradient(std::shared_ptr<const Data> data)
      : data_(std::move(data)),
        gates_((kC - 1) * data_->layers * 5 * kB),
        h_(kC * data_->layers * kB),
        s_(kC * data_->layers * kB),
        p_((kC - 1) * kB),
        dh_(data_->layers * kB),
        ds_(data_->layers * kB),
        dv_(kB) {}

  double operator()(const double* w, double* g) {
    const Data& D = *data_;
    const std::size_t L = D.layers, LB = L * kB;
    const double* w_in = w + L * kLayer;
    const double* w_out = w_in + kB;
    const double* b_out = w_out + kB;
    std::fill(g, g + D.params(), 0.0);
    double* g_in = g + L * kLayer;
    double* g_wout = g_in + kB;
    double* g_bout = g_wout + kB;

    // h_, s_ row t: the state of every layer before step t (row 0: the initial state).
    for (std::size_t l = 0; l < L; ++l)
      for (std::size_t k = 0; k < kB; ++k) {
        h_[l * kB + k] = D.state[2 * l * kB + k];
        s_[l * kB + k] = D.state[2 * l * kB + kB + k];
      }

    double total = 0;
    double v[kB];
    for (std::size_t t = 0; t + 1 < kC; ++t) {
      const double* x = D.seq.data() + t * kB;
      for (std::size_t k = 0; k < kB; ++k) v[k] = x[k] * w_in[k];
      for (std::size_t l = 0; l < L; ++l) {
        const double* Wt = w + l * kLayer;
        const double* bs = Wt + 4 * kB;
        const double* hp = h_.data() + t * LB + l * kB;
        const double* sp = s_.data() + t * LB + l * kB;
        double* hn = h_.data() + (t + 1) * LB + l * kB;
        double* sn = s_.data() + (t + 1) * LB + l * kB;
        double* G = gates_.data() + (t * L + l) * 5 * kB;  // f, i, o, g, tanh(s)
        for (std::size_t k = 0; k < kB; ++k) {
          const double f = 1.0 / (1.0 + std::exp(-(v[k] * Wt[k] + bs[k])));
          const double i = std::tanh(hp[k] * Wt[kB + k] + bs[kB + k]);
          const double o = 1.0 / (1.0 + std::exp(-(v[k] * Wt[2 * kB + k] + bs[2 * kB + k])));
          const double c = std::tanh(hp[k] * Wt[3 * kB + k] + bs[3 * kB + k]);
          sn[k] = sp[k] * f + i * c;
          const double ts = std::tanh(sn[k]);
          hn[k] = o * ts;
          G[k] = f;
          G[kB + k] = i;
          G[2 * kB + k] = o;
          G[3 * kB + k] = c;
          G[4 * kB + k] = ts;
          v[k] = hn[k];
        }
      }
      double y[kB], sum_exp = 0;
      for (std::size_t k = 0; k < kB; ++k) {
        y[k] = v[k] * w_out[k] + b_out[k];
        sum_exp += std::exp(y[k]);
      }
      const double lse = std::log(sum_exp);
      const double* next = x + kB;
      for (std::size_t k = 0; k < kB; ++k) {
        total += (y[k] - lse) * next[k];
        p_[t * kB + k] = std::exp(y[k] - lse);
      }
    }

    const double scale = -1.0 / static_cast<double>((kC - 1) * kB);
    std::fill(dh_.begin(), dh_.end(), 0.0);
    std::fill(ds_.begin(), ds_.end(), 0.0);
    for (std::size_t t = kC - 1; t-- > 0;) {
      const double* x = D.seq.data() + t * kB;
      const double* next = x + kB;
      const double* p = p_.data() + t * kB;
      const double* hL = h_.data() + (t + 1) * LB + (L - 1) * kB;
      double sum_next = 0;
      for (std::size_t k = 0; k < kB; ++k) sum_next += next[k];
      // dJ/dy, then the output layer; dv_ is the adjoint of the top layer's new h.
      for (std::size_t k = 0; k < kB; ++k) {
        const double dy = scale * (next[k] - p[k] * sum_next);
        g_wout[k] += dy * hL[k];
        g_bout[k] += dy;
        dv_[k] = dy * w_out[k];
      }
      for (std::size_t l = L; l-- > 0;) {
        const double* Wt = w + l * kLayer;
        double* gW = g + l * kLayer;
        double* gb = gW + 4 * kB;
        const double* hp = h_.data() + t * LB + l * kB;
        const double* sp = s_.data() + t * LB + l * kB;
        // The layer's input: the layer below's new h, or x_t .* w_in.
        const double* below = l > 0 ? h_.data() + (t + 1) * LB + (l - 1) * kB : nullptr;
        const double* G = gates_.data() + (t * L + l) * 5 * kB;
        double* dh = dh_.data() + l * kB;
        double* ds = ds_.data() + l * kB;
        for (std::size_t k = 0; k < kB; ++k) {
          const double f = G[k], i = G[kB + k], o = G[2 * kB + k], c = G[3 * kB + k], ts = G[4 * kB + k];
          const double vk = below ? below[k] : x[k] * w_in[k];
          const double dhn = dh[k] + dv_[k];
          const double dsn = ds[k] + dhn * o * (1.0 - ts * ts);
          const double dzf = dsn * sp[k] * f * (1.0 - f);
          const double dzi = dsn * c * (1.0 - i * i);
          const double dzo = dhn * ts * o * (1.0 - o);
          const double dzc = dsn * i * (1.0 - c * c);
          gW[k] += dzf * vk;
          gW[kB + k] += dzi * hp[k];
          gW[2 * kB + k] += dzo * vk;
          gW[3 * kB + k] += dzc * hp[k];
          gb[k] += dzf;
          gb[kB + k] += dzi;
          gb[2 * kB + k] += dzo;
          gb[3 * kB + k] += dzc;
          ds[k] = dsn * f;                                  // to s before this step
          dh[k] = dzi * Wt[kB + k] + dzc * Wt[3 * kB + k];  // to h before this step
          dv_[k] = dzf * Wt[k] + dzo * Wt[2 * kB + k];      // to this layer's input
        }
      }
      for (std::size_t k = 0; k < kB; ++k) g_in[k] += dv_[k] * x[k];
    }
    return scale * total;
  }

 private:
  std::shared_ptr<const Data> data_;
  std::vector<double> gates_, h_, s_, p_, dh_, ds_, dv_;
};

/// The parameters: all uniform in [-1, 1).
std::vector<double> make_point(const Data& data, std::uint64_t seed) { return uniform(data.params(), -1.0, 1.0, seed); }

Problem make(const char* id, const char* size, std::size_t layers, std::uint64_t seed) {
  const auto data = make_data(layers, seed);
  Problem p{id, "lstm", size, make_point(*data, seed + 2), {}, {}, {}, {}};
  add_generic_rows(p, LstmObjective{data});
  p.add(Kind::hand_scalar, [data, w = p.x] {
    return evaluator([w, h = HandGradient(data)](double* g) mutable { return h(w.data(), g); });
  });
  p.targets.scalar_over_f = 2.5;  // issue 13's target for the LSTM
  return p;
}

Problem make_l1() { return make("L1", "2 layers, b = 14, c = 1,024", 2, 61); }
Problem make_l2() { return make("L2", "4 layers, b = 14, c = 1,024", 4, 71); }

const Register registered_l1(make_l1);
const Register registered_l2(make_l2);

}  // namespace
}  // namespace tapegrad_bench
