// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Optimizers: how a gradient g = dL/dw becomes a step of the flat parameter vector w,
/// given this step's learning rate alpha (the run's LearningRate owns alpha_0 and the
/// schedule; an optimizer only applies the alpha it is handed):
///   GradientDescent:  w <- w - alpha g
///   Momentum:         v <- mu v + g;          w <- w - alpha v                (heavy ball)
///     nesterov:       v <- mu v + g;          w <- w - alpha (g + mu v)       (look-ahead)
///   Adam:             m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2   (element-wise)
///                     w <- w - alpha (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
/// These are PyTorch's torch.optim.SGD (momentum, nesterov, dampening 0) and Adam.
/// State (v, m) is sized on the first step or by reset(n); steps allocate nothing after.
/// state() and load_state() expose it as named numbers for checkpoints (checkpoint.hpp).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/optim/checks.hpp"

namespace tapegrad::optim {

/// An optimizer's state as named numbers, for checkpoints: its settings (checked equal
/// when the state is loaded back), its counters and its vectors of one entry per
/// parameter. The names are part of the checkpoint format.
template <class T>
struct OptimizerState {
  std::string name;                                                ///< the optimizer's name()
  std::vector<std::pair<std::string, T>> settings;                 ///< e.g. {"momentum", 0.9}
  std::vector<std::pair<std::string, std::int64_t>> counters;      ///< e.g. {"steps", 17}
  std::vector<std::pair<std::string, Eigen::VectorX<T>>> vectors;  ///< e.g. {"velocity", v}
};

/// The work of one part for Parts: a reference to a callable bool(begin, end), valid for
/// the call it is passed to. Unlike std::function it never allocates (the step loop
/// must not allocate per step).
class PartBody {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, PartBody>>>
  PartBody(const F& f) noexcept  // NOLINT: implicit on purpose, like std::function
      : object_(&f),
        call_([](const void* o, Eigen::Index b, Eigen::Index e) { return (*static_cast<const F*>(o))(b, e); }) {}
  /// Runs the referenced callable on [begin, end).
  bool operator()(Eigen::Index begin, Eigen::Index end) const { return call_(object_, begin, end); }

 private:
  const void* object_;
  bool (*call_)(const void*, Eigen::Index, Eigen::Index);
};

/// Runs body(begin, end) on parts of [0, n) that together cover it, perhaps on several
/// threads at once, and returns whether every part returned true. train() hands one that
/// splits over its threads to checked_step; without one, the step is one part on the
/// calling thread. body must not throw.
using Parts = std::function<bool(Eigen::Index n, PartBody body)>;

namespace detail {

/// Throws std::invalid_argument unless `saved` is a state of the optimizer whose current
/// state is `mine` (same name, settings, counter and vector names) with vectors of n
/// entries (or none: an optimizer that has not stepped yet). The message names what differs.
template <class T>
void check_loadable(const OptimizerState<T>& saved, const OptimizerState<T>& mine, Eigen::Index n) {
  const std::string who = "load_state: ";
  if (saved.name != mine.name)
    throw_invalid_argument(who + "the state is of optimizer '" + saved.name + "', this one is '" + mine.name + "'");
  const auto names_differ = [](const auto& a, const auto& b) {
    if (a.size() != b.size()) return true;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].first != b[i].first) return true;
    return false;
  };
  if (names_differ(saved.settings, mine.settings) || names_differ(saved.counters, mine.counters) ||
      names_differ(saved.vectors, mine.vectors))
    throw_invalid_argument(who + "the state of '" + saved.name + "' does not have this version's members");
  for (std::size_t i = 0; i < saved.settings.size(); ++i)
    if (!(saved.settings[i].second == mine.settings[i].second))
      throw_invalid_argument(who + mine.name + "'s " + saved.settings[i].first + " is " +
                             number(static_cast<double>(mine.settings[i].second)) + ", the state was saved with " +
                             number(static_cast<double>(saved.settings[i].second)));
  for (const auto& [name, v] : saved.vectors)
    if (v.size() != n && v.size() != 0)
      throw_invalid_argument(who + mine.name + "'s " + name + " has " + std::to_string(v.size()) +
                             " entries; the model has " + std::to_string(n) + " parameters");
}

template <class T>
void require_same_size(const Eigen::Ref<Eigen::VectorX<T>>& w, const Eigen::Ref<const Eigen::VectorX<T>>& g,
                       const char* who) {
  if (w.size() != g.size())
    throw_invalid_argument(std::string(who) + "::step: the gradient has " + std::to_string(g.size()) +
                           " entries but w has " + std::to_string(w.size()));
}

/// checked_step's frame: backup = w, update(first, count) on chunks small enough to stay
/// in the L1 cache, and whether the new w is finite. One pass over memory instead of
/// four (copy, update, check), with the same arithmetic per entry as the unchunked step;
/// with `parts`, the parts of w on several threads at once.
template <class T, class Update>
bool checked_update(Eigen::Ref<Eigen::VectorX<T>> w, Eigen::VectorX<T>& backup, const Parts* parts, Update&& update) {
  constexpr Eigen::Index chunk = 512;
  backup.resize(w.size());  // before the parts run: same size every step, allocates only the first time
  const auto part = [&](Eigen::Index begin, Eigen::Index end) {
    bool finite = true;  // every chunk is updated (the backup must be whole for an undo)
    for (Eigen::Index first = begin; first < end; first += chunk) {
      const Eigen::Index count = std::min(chunk, end - first);
      backup.segment(first, count) = w.segment(first, count);
      update(first, count);
      finite = all_finite(w.segment(first, count)) && finite;
    }
    return finite;
  };
  return parts != nullptr && *parts ? (*parts)(w.size(), part) : part(0, w.size());
}
}  // namespace detail

/// Plain gradient descent w <- w - alpha g.
template <class T>
class GradientDescent {
 public:
  /// Forgets the state (none here).
  void reset(Eigen::Index /*n*/) {}
  /// One step with learning rate alpha.
  void step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha) {
    detail::require_same_size<T>(w, g, "GradientDescent");
    update(w, g, alpha, 0, w.size());
  }
  /// step(), keeping the old w in `backup`; returns whether the new w is finite (it is
  /// not where g is not). One pass over memory, by parts if given: what train() runs (it
  /// undoes a non-finite update from the backup).
  bool checked_step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
                    Eigen::VectorX<T>& backup, const Parts* parts = nullptr) {
    detail::require_same_size<T>(w, g, "GradientDescent");
    return detail::checked_update<T>(w, backup, parts,
                                     [&](Eigen::Index i, Eigen::Index m) { update(w, g, alpha, i, m); });
  }
  /// "GradientDescent".
  static const char* name() noexcept { return "GradientDescent"; }
  /// The state (nothing but the name).
  OptimizerState<T> state() const { return {name(), {}, {}, {}}; }
  /// Restores a state() (checked: see detail::check_loadable).
  void load_state(const OptimizerState<T>& s, Eigen::Index n) { detail::check_loadable(s, state(), n); }

 private:
  // The update of entries [i, i + m): step() runs it on all of w, checked_step by chunks.
  static void update(Eigen::Ref<Eigen::VectorX<T>>& w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
                     Eigen::Index i, Eigen::Index m) {
    w.segment(i, m).noalias() -= alpha * g.segment(i, m);
  }
};

/// Gradient descent with momentum mu (and optionally Nesterov's look-ahead).
template <class T>
class Momentum {
 public:
  /// Throws std::invalid_argument unless 0 <= momentum < 1.
  explicit Momentum(T momentum = T(0.9), bool nesterov = false) : mu_(momentum), nesterov_(nesterov) {
    detail::require_in(mu_, 0.0, 1.0, "Momentum: momentum", "[0, 1)");
  }
  /// mu.
  T momentum() const noexcept { return mu_; }
  /// Whether the step looks ahead (Nesterov).
  bool nesterov() const noexcept { return nesterov_; }
  /// The velocity v.
  const Eigen::VectorX<T>& velocity() const noexcept { return v_; }
  /// Sets the velocity to zero for n parameters.
  void reset(Eigen::Index n) { v_.setZero(n); }
  /// One step with learning rate alpha.
  void step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha) {
    detail::require_same_size<T>(w, g, "Momentum");
    if (v_.size() != w.size()) reset(w.size());
    update(w, g, alpha, 0, w.size());
  }
  /// step(), keeping the old w in `backup`; returns whether the new w is finite (it is
  /// not where g is not). One pass over memory, by parts if given: what train() runs (it
  /// undoes a non-finite update from the backup).
  bool checked_step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
                    Eigen::VectorX<T>& backup, const Parts* parts = nullptr) {
    detail::require_same_size<T>(w, g, "Momentum");
    if (v_.size() != w.size()) reset(w.size());
    return detail::checked_update<T>(w, backup, parts,
                                     [&](Eigen::Index i, Eigen::Index m) { update(w, g, alpha, i, m); });
  }
  /// "Momentum" or "Momentum (Nesterov)".
  const char* name() const noexcept { return nesterov_ ? "Momentum (Nesterov)" : "Momentum"; }
  /// The state: mu and the velocity.
  OptimizerState<T> state() const { return {name(), {{"momentum", mu_}}, {}, {{"velocity", v_}}}; }
  /// Restores a state() for n parameters (checked: see detail::check_loadable).
  void load_state(const OptimizerState<T>& s, Eigen::Index n) {
    detail::check_loadable(s, state(), n);
    v_ = s.vectors[0].second;
  }

 private:
  // The update of entries [i, i + m): step() runs it on all of w, checked_step by chunks.
  void update(Eigen::Ref<Eigen::VectorX<T>>& w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
              Eigen::Index i, Eigen::Index m) {
    auto v = v_.segment(i, m);
    const auto gi = g.segment(i, m);
    v = mu_ * v + gi;
    if (nesterov_)
      w.segment(i, m).noalias() -= alpha * (gi + mu_ * v);
    else
      w.segment(i, m).noalias() -= alpha * v;
  }

  T mu_;
  bool nesterov_;
  Eigen::VectorX<T> v_;
};

/// Adam (Kingma and Ba, 2015) with bias correction.
template <class T>
class Adam {
 public:
  /// Throws std::invalid_argument unless 0 <= beta1, beta2 < 1 and epsilon > 0.
  explicit Adam(T beta1 = T(0.9), T beta2 = T(0.999), T epsilon = T(1e-8)) : b1_(beta1), b2_(beta2), eps_(epsilon) {
    detail::require_in(b1_, 0.0, 1.0, "Adam: beta1", "[0, 1)");
    detail::require_in(b2_, 0.0, 1.0, "Adam: beta2", "[0, 1)");
    detail::require_positive(eps_, "Adam: epsilon");
  }
  /// b1.
  T beta1() const noexcept { return b1_; }
  /// b2.
  T beta2() const noexcept { return b2_; }
  /// eps.
  T epsilon() const noexcept { return eps_; }
  /// Steps taken since the last reset.
  std::int64_t steps() const noexcept { return t_; }
  /// First moment estimate m.
  const Eigen::VectorX<T>& first_moment() const noexcept { return m_; }
  /// Second moment estimate v.
  const Eigen::VectorX<T>& second_moment() const noexcept { return v_; }
  /// Zeroes the moments and the step count for n parameters.
  void reset(Eigen::Index n) {
    m_.setZero(n);
    v_.setZero(n);
    t_ = 0;
  }
  /// One step with learning rate alpha.
  void step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha) {
    start_step(w, g);
    update(w, g, alpha, 0, w.size());
  }
  /// step(), keeping the old w in `backup`; returns whether the new w is finite (it is
  /// not where g is not). One pass over memory, by parts if given: what train() runs (it
  /// undoes a non-finite update from the backup).
  bool checked_step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
                    Eigen::VectorX<T>& backup, const Parts* parts = nullptr) {
    start_step(w, g);
    return detail::checked_update<T>(w, backup, parts,
                                     [&](Eigen::Index i, Eigen::Index m) { update(w, g, alpha, i, m); });
  }
  /// "Adam".
  static const char* name() noexcept { return "Adam"; }
  /// The state: the settings, the step count and both moments.
  OptimizerState<T> state() const {
    return {name(),
            {{"beta1", b1_}, {"beta2", b2_}, {"epsilon", eps_}},
            {{"steps", t_}},
            {{"first_moment", m_}, {"second_moment", v_}}};
  }
  /// Restores a state() for n parameters (checked: see detail::check_loadable).
  void load_state(const OptimizerState<T>& s, Eigen::Index n) {
    detail::check_loadable(s, state(), n);
    if (s.counters[0].second < 0)
      detail::throw_invalid_argument("load_state: Adam's step count is " + std::to_string(s.counters[0].second));
    t_ = s.counters[0].second;
    m_ = s.vectors[0].second;
    v_ = s.vectors[1].second;
  }

 private:
  // The step's shared part: the count and the bias corrections c1, c2 of step t.
  void start_step(const Eigen::Ref<Eigen::VectorX<T>>& w, const Eigen::Ref<const Eigen::VectorX<T>>& g) {
    using std::pow;
    detail::require_same_size<T>(w, g, "Adam");
    if (m_.size() != w.size()) reset(w.size());
    ++t_;
    c1_ = T(1) - pow(b1_, T(t_));
    c2_ = T(1) - pow(b2_, T(t_));
  }
  // The update of entries [i, i + n): step() runs it on all of w, checked_step by chunks.
  void update(Eigen::Ref<Eigen::VectorX<T>>& w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
              Eigen::Index i, Eigen::Index n) {
    auto m = m_.segment(i, n), v = v_.segment(i, n);
    const auto gi = g.segment(i, n);
    m = b1_ * m + (T(1) - b1_) * gi;
    v = b2_ * v + (T(1) - b2_) * gi.cwiseAbs2();
    w.segment(i, n).array() -= alpha * (m.array() / c1_) / ((v.array() / c2_).sqrt() + eps_);
  }

  T b1_, b2_, eps_;
  T c1_{1}, c2_{1};  // this step's bias corrections
  Eigen::VectorX<T> m_, v_;
  std::int64_t t_ = 0;
};

/// Any optimizer: a value type holding GradientDescent, Momentum, Adam or a user type
/// with the same members (reset(n), step(w, g, alpha), name(); and, to be checkpointed,
/// state() and load_state(state, n)). Copies are deep.
template <class T>
class Optimizer {
 public:
  /// Plain gradient descent.
  Optimizer() : Optimizer(GradientDescent<T>()) {}
  /// Wraps an optimizer object.
  template <class O, class = std::enable_if_t<!std::is_same_v<std::decay_t<O>, Optimizer>>>
  Optimizer(O o) : impl_(std::make_unique<Model<O>>(std::move(o))) {}  // NOLINT: implicit on purpose
  /// A deep copy (the held optimizer and its state).
  Optimizer(const Optimizer& other) : impl_(other.impl_->clone()) {}
  /// A deep copy (the held optimizer and its state).
  Optimizer& operator=(const Optimizer& other) {
    if (this != &other) impl_ = other.impl_->clone();
    return *this;
  }
  Optimizer(Optimizer&&) noexcept = default;
  Optimizer& operator=(Optimizer&&) noexcept = default;

  /// Clears the state for n parameters.
  void reset(Eigen::Index n) { impl_->reset(n); }
  /// One step of w with gradient g and learning rate alpha.
  void step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha) {
    impl_->step(w, g, alpha);
  }
  /// step(), keeping the old w in `backup`; returns whether the new w is finite, which
  /// it is not where g is not. Held optimizers with a checked_step of their own
  /// (GradientDescent, Momentum, Adam) do it in one pass, by parts if given; for the
  /// others it is a check of g (no step if it is not finite), backup = w, step, a check of w.
  bool checked_step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
                    Eigen::VectorX<T>& backup, const Parts* parts = nullptr) {
    return impl_->checked_step(w, g, alpha, backup, parts);
  }
  /// The optimizer's name.
  std::string name() const { return impl_->name(); }
  /// The held optimizer's state (std::invalid_argument if its type has no state()).
  OptimizerState<T> state() const { return impl_->state(); }
  /// Restores a state() for n parameters; throws std::invalid_argument, changing
  /// nothing, if it is another optimizer's, has other settings or other sizes.
  void load_state(const OptimizerState<T>& s, Eigen::Index n) { impl_->load_state(s, n); }
  /// The held optimizer if it is an O, else nullptr.
  template <class O>
  O* target() noexcept {
    auto* m = dynamic_cast<Model<O>*>(impl_.get());
    return m ? &m->o : nullptr;
  }
  /// The held optimizer if it is an O, else nullptr.
  template <class O>
  const O* target() const noexcept {
    const auto* m = dynamic_cast<const Model<O>*>(impl_.get());
    return m ? &m->o : nullptr;
  }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::unique_ptr<Concept> clone() const = 0;
    virtual void reset(Eigen::Index n) = 0;
    virtual void step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g,
                      const T& alpha) = 0;
    virtual bool checked_step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g,
                              const T& alpha, Eigen::VectorX<T>& backup, const Parts* parts) = 0;
    virtual std::string name() const = 0;
    virtual OptimizerState<T> state() const = 0;
    virtual void load_state(const OptimizerState<T>& s, Eigen::Index n) = 0;
  };
  template <class O, class = void>
  struct has_state : std::false_type {};
  template <class O>
  struct has_state<
      O, std::void_t<decltype(std::declval<const O&>().state()),
                     decltype(std::declval<O&>().load_state(std::declval<const OptimizerState<T>&>(), Eigen::Index{}))>>
      : std::true_type {};
  template <class O, class = void>
  struct has_checked_step : std::false_type {};
  template <class O>
  struct has_checked_step<
      O, std::void_t<decltype(std::declval<O&>().checked_step(
             std::declval<Eigen::Ref<Eigen::VectorX<T>>>(), std::declval<const Eigen::Ref<const Eigen::VectorX<T>>&>(),
             std::declval<const T&>(), std::declval<Eigen::VectorX<T>&>(), std::declval<const Parts*>()))>>
      : std::true_type {};
  template <class O>
  struct Model final : Concept {
    explicit Model(O o_) : o(std::move(o_)) {}
    std::unique_ptr<Concept> clone() const override { return std::make_unique<Model>(o); }
    void reset(Eigen::Index n) override { o.reset(n); }
    void step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha) override {
      o.step(w, g, alpha);
    }
    bool checked_step(Eigen::Ref<Eigen::VectorX<T>> w, const Eigen::Ref<const Eigen::VectorX<T>>& g, const T& alpha,
                      Eigen::VectorX<T>& backup, const Parts* parts) override {
      if constexpr (has_checked_step<O>::value) {
        return o.checked_step(w, g, alpha, backup, parts);
      } else {
        backup = w;
        if (!detail::all_finite(g)) return false;  // a user's step might hide it (clipping)
        o.step(w, g, alpha);
        return detail::all_finite(w);
      }
    }
    std::string name() const override { return o.name(); }
    OptimizerState<T> state() const override {
      if constexpr (has_state<O>::value)
        return o.state();
      else
        return no_state();
    }
    void load_state(const OptimizerState<T>& s, Eigen::Index n) override {
      if constexpr (has_state<O>::value)
        o.load_state(s, n);
      else
        no_state();
    }
    [[noreturn]] OptimizerState<T> no_state() const {
      detail::throw_invalid_argument("optimizer '" + std::string(o.name()) +
                                     "' cannot be checkpointed: give it state() and load_state(state, n) "
                                     "(docs/optim.md, \"Checkpoints\")");
    }
    O o;
  };
  std::unique_ptr<Concept> impl_;
};

}  // namespace tapegrad::optim
