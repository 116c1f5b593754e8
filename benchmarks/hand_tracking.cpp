// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// J1 hand_tracking: the Jacobian of a hand-tracking residual, shaped like ADBench's hand
// problem (issue 13: tall Jacobians), but self-contained: a synthetic skinned hand.
//   Inputs, n = 26: global rotation (3 Euler angles, R = Rz Ry Rx), global translation (3),
//   and 5 fingers x 4 joint angles (base: flexion, abduction; then two more flexions).
//   Skeleton, 16 bones: the palm (root) and per finger a chain of 3 bones. Each bone's
//   world transform composes the rotations down the chain.
//   Mesh: 200 vertices, linear blend skinning v' = sum_b w_b (R_b p_b + t_b) with 1 or 2
//   bones per vertex (finger vertices near a joint blend with the parent bone).
//   Outputs, m = 600: the 3 coordinates of each posed vertex minus a fixed target point.
// Sizes and geometry are hand-chosen numbers (metres, radians) and fixed seeds, so the
// figures and checks repeat. The residuals are written once, generically over the scalar
// (double, Var<double>, Dual<double, K>); tapegrad::jacobian picks forward mode for this
// tall shape (ceil(26 / 4) = 7 calls with Dual<double, 4>). The hand-written Jacobian is
// geometric: a joint turning about the world axis a through the pivot c moves a point x
// that it carries at a x (x - c) per radian.

#include <Eigen/Core>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr int kFingers = 5;
constexpr int kBones = 1 + 3 * kFingers;   // the palm, then 3 bones per finger
constexpr int kInputs = 6 + 4 * kFingers;  // 26
constexpr int kPalmVertices = 50;
constexpr int kVerticesPerBone = 10;                                        // on each finger bone
constexpr int kVertices = kPalmVertices + kVerticesPerBone * 3 * kFingers;  // 200
constexpr int kResiduals = 3 * kVertices;                                   // 600

/// A bone's world transform: rotation R (3x3, row-major) and translation t.
template <class S>
struct Transform {
  S R[9];
  S t[3];
};

/// One bone's share of a vertex: its weight w and w times the vertex in the bone's rest frame.
struct Influence {
  int bone;
  double w;
  double q[3];  // w p: the weight is folded in once here rather than on every call
};

/// The fixed hand: its skeleton and its skinned mesh with the targets.
struct Hand {
  double offset[kFingers][3] = {};  // each finger's base joint, in the palm frame
  double splay[kFingers] = {};      // each finger's rest rotation about its base's z axis
  double length[kFingers][3] = {};  // each finger's 3 bone lengths, along the bones' y axes
  std::vector<int> first;           // vertex k is skinned by influences[first[k] .. first[k + 1])
  std::vector<Influence> influences;
  std::vector<double> target;  // 3 coordinates per vertex
};

/// R <- R G(a): turns the frame R by a about its own axis normal to columns p and q
/// (p, q = 1, 2: the x axis, flexion; 0, 1: the z axis, abduction).
template <class S>
void turn(S* R, const S& a, int p, int q) {
  using std::cos;
  using std::sin;
  const S c = cos(a), s = sin(a);
  for (int i = 0; i < 3; ++i) {
    const S u = R[3 * i + p], v = R[3 * i + q];
    R[3 * i + p] = c * u + s * v;
    R[3 * i + q] = c * v - s * u;
  }
}

/// R <- R Rx(a): flexion.
template <class S>
void turn_x(S* R, const S& a) {
  turn(R, a, 1, 2);
}

/// R <- R Rz(a): abduction.
template <class S>
void turn_z(S* R, const S& a) {
  turn(R, a, 0, 1);
}

/// R = Rz(a) Ry(b) Rx(c), written out: the global rotation.
template <class S>
void rotation_zyx(const S& a, const S& b, const S& c, S* R) {
  using std::cos;
  using std::sin;
  const S cz = cos(a), sz = sin(a), cy = cos(b), sy = sin(b), cx = cos(c), sx = sin(c);
  R[0] = cz * cy;
  R[1] = cz * sy * sx - sz * cx;
  R[2] = cz * sy * cx + sz * sx;
  R[3] = sz * cy;
  R[4] = sz * sy * sx + cz * cx;
  R[5] = sz * sy * cx - cz * sx;
  R[6] = -sy;
  R[7] = cy * sx;
  R[8] = cy * cx;
}

/// Every bone's world transform for the pose theta (the 26 inputs), root to tips.
template <class V>
void pose(const Hand& hand, const V& theta, Transform<typename V::Scalar>* bones) {
  using S = typename V::Scalar;
  Transform<S>& palm = bones[0];
  rotation_zyx(theta[0], theta[1], theta[2], palm.R);
  for (int i = 0; i < 3; ++i) palm.t[i] = theta[3 + i];
  for (int f = 0; f < kFingers; ++f) {
    const int b = 1 + 3 * f;  // the finger's base bone
    const int a = 6 + 4 * f;  // its angles: base flexion, base abduction, flexion, flexion
    // The base joint sits at a fixed point of the palm and turns two ways: abduction
    // (about the rest splay) first, then flexion.
    Transform<S>& base = bones[b];
    const double* o = hand.offset[f];
    for (int i = 0; i < 3; ++i) {
      base.t[i] = palm.t[i] + palm.R[3 * i] * o[0] + palm.R[3 * i + 1] * o[1] + palm.R[3 * i + 2] * o[2];
      for (int j = 0; j < 3; ++j) base.R[3 * i + j] = palm.R[3 * i + j];
    }
    const S abduction = theta[a + 1] + hand.splay[f];
    turn_z(base.R, abduction);
    turn_x(base.R, theta[a]);
    // The next two joints are hinges at the tip of the parent bone (its y axis times its length).
    for (int j = 1; j < 3; ++j) {
      const Transform<S>& parent = bones[b + j - 1];
      Transform<S>& bone = bones[b + j];
      const double length = hand.length[f][j - 1];
      for (int i = 0; i < 3; ++i) {
        bone.t[i] = parent.t[i] + parent.R[3 * i + 1] * length;
        for (int k = 0; k < 3; ++k) bone.R[3 * i + k] = parent.R[3 * i + k];
      }
      turn_x(bone.R, theta[a + 1 + j]);
    }
  }
}

/// The residuals r(theta), written once for every scalar type: posed vertices minus targets.
struct HandResiduals {
  std::shared_ptr<const Hand> hand;

  /// The m = 600 residuals at the pose theta (an Eigen vector of 26 scalars).
  template <class V>
  Eigen::Matrix<typename V::Scalar, Eigen::Dynamic, 1> operator()(const V& theta) const {
    using S = typename V::Scalar;
    Transform<S> bones[kBones];
    pose(*hand, theta, bones);
    Eigen::Matrix<S, Eigen::Dynamic, 1> r(kResiduals);
    const Influence* in = hand->influences.data();
    for (int k = 0; k < kVertices; ++k) {
      const Influence* begin = in + hand->first[k];
      const Influence* end = in + hand->first[k + 1];
      for (int i = 0; i < 3; ++i) {
        S v = skin(bones[begin->bone], *begin, i);
        for (const Influence* e = begin + 1; e != end; ++e) v += skin(bones[e->bone], *e, i);
        r[3 * k + i] = v - hand->target[3 * k + i];
      }
    }
    return r;
  }

  /// Coordinate i of w (R p + t), one bone's weighted share of a vertex.
  template <class S>
  static S skin(const Transform<S>& bone, const Influence& e, int i) {
    return bone.R[3 * i] * e.q[0] + bone.R[3 * i + 1] * e.q[1] + bone.R[3 * i + 2] * e.q[2] + bone.t[i] * e.w;
  }
};

/// The Jacobian of HandResiduals by hand (see the top): one pass over the bones for the
/// joints' world axes and pivots, one over the skinned vertices.
struct HandJacobian {
  std::shared_ptr<const Hand> hand;

  /// The 600 x 26 Jacobian at the pose theta.
  Eigen::MatrixXd operator()(const Eigen::VectorXd& theta) const {
    Transform<double> bones[kBones];
    pose(*hand, theta, bones);
    // Each rotation input's world axis and pivot (the translation's 3 rows stay unused).
    double axis[kInputs][3] = {}, pivot[kInputs][3] = {};
    const Transform<double>& palm = bones[0];
    const auto column = [](const Transform<double>& bone, int j, double* a) {
      for (int i = 0; i < 3; ++i) a[i] = bone.R[3 * i + j];
    };
    // R = Rz(a) Ry(b) Rx(c): the axes are e_z, Rz(a) e_y and R e_x, all through the palm's origin.
    axis[0][2] = 1.0;
    axis[1][0] = -std::sin(theta[0]);
    axis[1][1] = std::cos(theta[0]);
    column(palm, 0, axis[2]);
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < 3; ++i) pivot[c][i] = palm.t[i];
    for (int f = 0; f < kFingers; ++f) {
      const int b = 1 + 3 * f, a = 6 + 4 * f;
      column(bones[b], 0, axis[a]);  // base flexion: the base bone's x axis
      column(palm, 2, axis[a + 1]);  // abduction: the palm's z axis
      column(bones[b + 1], 0, axis[a + 2]);
      column(bones[b + 2], 0, axis[a + 3]);
      for (int i = 0; i < 3; ++i) {
        pivot[a][i] = pivot[a + 1][i] = bones[b].t[i];
        pivot[a + 2][i] = bones[b + 1].t[i];
        pivot[a + 3][i] = bones[b + 2].t[i];
      }
    }
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(kResiduals, kInputs);
    for (int k = 0; k < kVertices; ++k) {
      for (int e = hand->first[k]; e < hand->first[k + 1]; ++e) {
        const Influence& in = hand->influences[static_cast<std::size_t>(e)];
        const Transform<double>& B = bones[in.bone];
        double y[3];  // w x: the weighted point, whose derivatives are a x (y - w c)
        for (int i = 0; i < 3; ++i)
          y[i] = B.R[3 * i] * in.q[0] + B.R[3 * i + 1] * in.q[1] + B.R[3 * i + 2] * in.q[2] + B.t[i] * in.w;
        // The inputs that turn this bone: the global rotation, and its finger's joints up to it.
        int turns[7] = {0, 1, 2, 0, 0, 0, 0};  // at most 3 + 2 + 2
        int count = 3;
        if (in.bone > 0) {
          const int f = (in.bone - 1) / 3, j = (in.bone - 1) % 3;
          turns[count++] = 6 + 4 * f;
          turns[count++] = 7 + 4 * f;
          for (int up = 1; up <= j; ++up) turns[count++] = 7 + 4 * f + up;
        }
        for (int t = 0; t < count; ++t) {
          const double* a = axis[turns[t]];
          const double* c = pivot[turns[t]];
          const double d[3] = {y[0] - in.w * c[0], y[1] - in.w * c[1], y[2] - in.w * c[2]};
          J(3 * k, turns[t]) += a[1] * d[2] - a[2] * d[1];
          J(3 * k + 1, turns[t]) += a[2] * d[0] - a[0] * d[2];
          J(3 * k + 2, turns[t]) += a[0] * d[1] - a[1] * d[0];
        }
        for (int i = 0; i < 3; ++i) J(3 * k + i, 3 + i) += in.w;  // the translation
      }
    }
    return J;
  }
};

/// The point of the Jacobian: a half-closed hand, turned, 0.4 m in front of the camera.
Eigen::VectorXd start_pose() {
  Eigen::VectorXd x(kInputs);
  x.head(6) << 0.3, -0.2, 0.1, 0.01, -0.02, 0.4;
  const std::vector<double> u = uniform(4 * kFingers, 0.0, 1.0, 26);
  for (int f = 0; f < kFingers; ++f) {
    const double* uf = &u[static_cast<std::size_t>(4 * f)];
    x[6 + 4 * f] = 0.1 + 0.8 * uf[0];    // base flexion
    x[7 + 4 * f] = -0.15 + 0.3 * uf[1];  // abduction
    x[8 + 4 * f] = 0.1 + 0.9 * uf[2];    // middle flexion
    x[9 + 4 * f] = 0.1 + 0.7 * uf[3];    // distal flexion
  }
  return x;
}

/// The hand: a skeleton of hand-chosen sizes, a mesh of kVertices skinned vertices and
/// their targets (the mesh posed a little differently, plus noise), from fixed seeds.
std::shared_ptr<const Hand> make_hand() {
  auto hand = std::make_shared<Hand>();
  // Thumb, index, middle, ring, little: base joint on the palm, rest splay, bone lengths.
  const double offsets[kFingers][3] = {
      {-0.035, 0.025, 0.012}, {-0.025, 0.090, 0.0}, {-0.008, 0.095, 0.0}, {0.010, 0.090, 0.0}, {0.027, 0.080, 0.0}};
  const double splay[kFingers] = {0.80, 0.15, 0.0, -0.10, -0.22};
  const double lengths[kFingers][3] = {{0.040, 0.030, 0.025},
                                       {0.045, 0.025, 0.020},
                                       {0.050, 0.030, 0.022},
                                       {0.047, 0.028, 0.021},
                                       {0.037, 0.021, 0.018}};
  for (int f = 0; f < kFingers; ++f) {
    hand->splay[f] = splay[f];
    for (int i = 0; i < 3; ++i) {
      hand->offset[f][i] = offsets[f][i];
      hand->length[f][i] = lengths[f][i];
    }
  }

  // The mesh is made in the rest pose (every input 0): a vertex's point in a bone's rest
  // frame is R_b^T (v - t_b), so skinning reproduces it at rest whatever the weights.
  Transform<double> rest[kBones];
  pose(*hand, Eigen::VectorXd::Zero(kInputs).eval(), rest);
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const auto add = [&hand](int bone, double w, const double* p) {
    hand->influences.push_back(Influence{bone, w, {w * p[0], w * p[1], w * p[2]}});
  };
  for (int k = 0; k < kVertices; ++k) {
    hand->first.push_back(static_cast<int>(hand->influences.size()));
    int bone = 0;
    double p[3];                 // the vertex in its bone's rest frame
    double parent_weight = 0.0;  // share of the parent bone, near the joint only
    if (k < kPalmVertices) {     // the palm: a slab 8 x 10 x 2.4 cm
      p[0] = -0.04 + 0.08 * u01(rng);
      p[1] = 0.10 * u01(rng);
      p[2] = -0.012 + 0.024 * u01(rng);
    } else {  // a finger bone: a cylinder around the bone's y axis
      bone = 1 + (k - kPalmVertices) / kVerticesPerBone;
      const int f = (bone - 1) / 3, j = (bone - 1) % 3;
      const double s = u01(rng), phi = 6.283185307179586 * u01(rng), radius = 0.009 - 0.001 * j;
      p[0] = radius * std::cos(phi);
      p[1] = s * hand->length[f][j];
      p[2] = radius * std::sin(phi);
      if (s < 0.25) parent_weight = 0.5 * (1.0 - s / 0.25);  // 0.5 at the joint, 0 a quarter along
    }
    add(bone, 1.0 - parent_weight, p);
    if (parent_weight > 0) {
      const int parent = (bone - 1) % 3 == 0 ? 0 : bone - 1;
      const Transform<double>& b = rest[bone];
      const Transform<double>& a = rest[parent];
      double v[3], pa[3];  // the vertex at rest in world coordinates, then in the parent's frame
      for (int i = 0; i < 3; ++i) v[i] = b.t[i] + b.R[3 * i] * p[0] + b.R[3 * i + 1] * p[1] + b.R[3 * i + 2] * p[2];
      for (int j = 0; j < 3; ++j)
        pa[j] = a.R[j] * (v[0] - a.t[0]) + a.R[3 + j] * (v[1] - a.t[1]) + a.R[6 + j] * (v[2] - a.t[2]);
      add(parent, parent_weight, pa);
    }
  }
  hand->first.push_back(static_cast<int>(hand->influences.size()));

  // Targets: the mesh at a nearby pose (what a tracker sees), plus 2 mm of noise.
  hand->target.assign(kResiduals, 0.0);
  const std::vector<double> du = uniform(kInputs, -0.1, 0.1, 1313);
  const std::vector<double> noise = uniform(kResiduals, -0.002, 0.002, 1314);
  Eigen::VectorXd seen = start_pose();
  for (int i = 0; i < kInputs; ++i) seen[i] += du[static_cast<std::size_t>(i)];
  const Eigen::VectorXd posed = HandResiduals{hand}(seen);  // targets still 0: the positions
  for (int i = 0; i < kResiduals; ++i)
    hand->target[static_cast<std::size_t>(i)] = posed[i] + noise[static_cast<std::size_t>(i)];
  return hand;
}

/// Which mode tapegrad::jacobian(f, x) runs in automatic mode, from counting f's calls.
std::string automatic_mode(const HandResiduals& f, const Eigen::VectorXd& x) {
  int dual_calls = 0, var_calls = 0;
  const auto counted = [&](const auto& theta) {
    using S = typename std::decay_t<decltype(theta)>::Scalar;
    if constexpr (std::is_same_v<S, tapegrad::Var<double>>)
      ++var_calls;
    else
      ++dual_calls;
    return f(theta);
  };
  [[maybe_unused]] const Eigen::MatrixXd J = tapegrad::jacobian(counted, x);
  return std::string("tapegrad::jacobian(f, x) automatic chose ") + (var_calls ? "reverse" : "forward") +
         " mode: " + std::to_string(dual_calls) + " calls of f with Dual<double, 4>, " + std::to_string(var_calls) +
         " with Var<double>";
}

JacobianProblem make() {
  const HandResiduals f{make_hand()};
  JacobianProblem p;
  p.id = "J1";
  p.name = "hand_tracking";
  p.size = "n = 26 pose inputs, m = 600 residuals (200 skinned vertices, 16 bones)";
  p.x = start_pose();
  p.residuals = [f](const Eigen::VectorXd& x) -> Eigen::VectorXd { return f(x); };
  p.jacobian_over_f = 25;
  p.note = [f, x = p.x] { return automatic_mode(f, x); };
  const Eigen::VectorXd x = p.x;
  // Every row returns a new vector or matrix per call (tapegrad::jacobian has no form
  // with an output argument), so each row's allocation is part of its time.
  p.add(JacobianKind::f, [f, x] { return jacobian_evaluator([f, x] { return f(x); }); });
  p.add(JacobianKind::hand, [h = HandJacobian{f.hand}, x] { return jacobian_evaluator([h, x] { return h(x); }); });
  p.add(JacobianKind::tapegrad_automatic,
        [f, x] { return jacobian_evaluator([f, x] { return tapegrad::jacobian(f, x); }); });
  p.add(JacobianKind::tapegrad_forward, [f, x] {
    return jacobian_evaluator([f, x] { return tapegrad::jacobian(f, x, tapegrad::JacobianMode::forward); });
  });
  p.add(JacobianKind::tapegrad_reverse, [f, x] {
    return jacobian_evaluator([f, x] { return tapegrad::jacobian(f, x, tapegrad::JacobianMode::reverse); });
  });
  return p;
}

const RegisterJacobian registered(make);

}  // namespace
}  // namespace tapegrad_bench
