// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Pictures for the examples with nothing but the standard library: CSV files (always)
/// and small self-contained SVG files. Namespace example::plot.
///
///   struct Series { std::string name; std::vector<double> x, y; bool points; };
///                                                  // x empty: 0, 1, 2, ...; points: dots, no line
///   bool write_csv(path, {"step", "loss"}, rows)   one line per row of numbers
///   bool write_csv(path, series)                   long format: "name",x,y
///
///   LinePlot p;  p.title, p.xlabel, p.ylabel, p.log_y (false), p.series
///   bool write_svg(path, p)                        axes, ticks, legend; loss curves
///
///   ContourPlot c;  c.title, c.xlabel, c.ylabel, c.x_min, c.x_max, c.y_min, c.y_max,
///                   c.f (double(double, double)), c.levels, c.paths (Series),
///                   c.grid (80 cells a side), c.equal_aspect (true)
///   bool write_svg(path, c)                        contour lines of f (marching squares)
///                                                  with each path drawn over them
///
/// Every writer returns false if the file could not be written. A picture is never a
/// reason for an example to fail: print a note and go on.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace example::plot {

/// One curve or path: points (x[i], y[i]); with x empty the x values are 0, 1, 2, ...
struct Series {
  std::string name;
  std::vector<double> x, y;
  bool points = false;  ///< draw the points as dots (measurements) instead of a line
  double x_at(std::size_t i) const { return x.empty() ? double(i) : x[i]; }
};

/// A number as text, compact ("%.*g"), independent of the locale's decimal point.
inline std::string num(double v, int digits = 6) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
  return buffer;
}

/// Writes a header line and one comma-separated line per row.
inline bool write_csv(const std::string& path, const std::vector<std::string>& header,
                      const std::vector<std::vector<double>>& rows) {
  std::ofstream out(path);
  for (std::size_t j = 0; j < header.size(); ++j) out << (j ? "," : "") << header[j];
  out << '\n';
  for (const auto& row : rows) {
    for (std::size_t j = 0; j < row.size(); ++j) out << (j ? "," : "") << num(row[j], 12);
    out << '\n';
  }
  return bool(out);
}

/// Writes every point of every series as `"name",x,y` under the header `series,x,y`.
inline bool write_csv(const std::string& path, const std::vector<Series>& series) {
  std::ofstream out(path);
  out << "series,x,y\n";
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.y.size(); ++i)
      out << '"' << s.name << "\"," << num(s.x_at(i), 12) << ',' << num(s.y[i], 12) << '\n';
  return bool(out);
}

struct LinePlot {
  std::string title, xlabel, ylabel;
  bool log_y = false;
  std::vector<Series> series;
};

struct ContourPlot {
  std::string title, xlabel = "x", ylabel = "y";
  double x_min = -1, x_max = 1, y_min = -1, y_max = 1;
  std::function<double(double, double)> f;
  std::vector<double> levels;  // the values of f to draw a line for
  std::vector<Series> paths;   // drawn over the contour lines, with a legend
  int grid = 80;               // cells per side for marching squares
  bool equal_aspect = true;    // one unit is as long on both axes
};

namespace detail {

inline const char* color(std::size_t i) {
  static const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  return palette[i % 6];
}

inline std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return out;
}

/// About `n` round tick values (1, 2 or 5 times a power of ten apart) within [lo, hi].
inline std::vector<double> ticks(double lo, double hi, int n = 6) {
  const double raw = (hi - lo) / n, power = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = power * (raw / power < 1.5 ? 1 : raw / power < 3.5 ? 2 : raw / power < 7.5 ? 5 : 10);
  std::vector<double> out;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; ++k)
    out.push_back(k * step + 0.0);  // + 0.0 turns -0 into 0
  return out;
}

/// An SVG line and a text label (attributes in single quotes, which SVG allows).
inline void line(std::ostream& out, double x1, double y1, double x2, double y2, const std::string& style) {
  out << "<line x1='" << num(x1, 5) << "' y1='" << num(y1, 5) << "' x2='" << num(x2, 5) << "' y2='" << num(y2, 5)
      << "' " << style << "/>\n";
}
inline void text(std::ostream& out, double x, double y, const char* anchor, const std::string& content,
                 const std::string& extra = "") {
  out << "<text x='" << num(x, 5) << "' y='" << num(y, 5) << "' text-anchor='" << anchor << "' " << extra << ">"
      << escape(content) << "</text>\n";
}

/// The plot area: maps data to pixels (y in log10 units when log_y) and draws the frame.
struct Frame {
  double x0, x1, y0, y1;  // data range shown
  double width = 520, height = 320;
  bool log_y = false;
  static constexpr double left = 72, top = 44, right = 24, bottom = 56;

  double px(double x) const { return left + (x - x0) / (x1 - x0) * width; }
  double py(double y) const {
    const double v = log_y ? std::log10(y) : y;
    return top + height - (v - y0) / (y1 - y0) * height;
  }
  std::string point(double x, double y) const { return num(px(x), 5) + "," + num(py(y), 5); }

  /// The SVG header, white background, ticks with labels, frame, title and axis labels.
  void begin(std::ostream& out, const std::string& title, const std::string& xlabel, const std::string& ylabel) const {
    const double w = left + width + right, h = top + height + bottom, base = top + height;
    const std::string area =
        "x='" + num(left) + "' y='" + num(top) + "' width='" + num(width) + "' height='" + num(height) + "'";
    out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << num(w) << "' height='" << num(h)
        << "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n"
        << "<clipPath id='area'><rect " << area << "/></clipPath>\n";
    for (double t : ticks(x0, x1)) {
      line(out, px(t), base, px(t), base + 5, "stroke='black'");
      text(out, px(t), base + 18, "middle", num(t, 4));
    }
    std::vector<double> yt = log_y ? std::vector<double>{} : ticks(y0, y1);
    for (double k = std::floor(y0); log_y && k <= y1; ++k)  // decades, and 2 and 5 if few
      for (double m : {1.0, 2.0, 5.0})
        if ((m == 1 || y1 - y0 < 2) && k + std::log10(m) >= y0 - 1e-9 && k + std::log10(m) <= y1 + 1e-9)
          yt.push_back(m * std::pow(10.0, k));
    for (double t : yt) {
      line(out, left - 5, py(t), left, py(t), "stroke='black'");
      text(out, left - 8, py(t) + 4, "end", num(t, 4));
    }
    out << "<rect " << area << " fill='none' stroke='black'/>\n";
    text(out, left + width / 2, 24, "middle", title, "font-size='15'");
    text(out, left + width / 2, h - 14, "middle", xlabel);
    text(out, 0, 0, "middle", ylabel, "transform='translate(18," + num(top + height / 2) + ") rotate(-90)'");
  }

  /// A legend box in the top-right corner of the plot area.
  void legend(std::ostream& out, const std::vector<Series>& series) const {
    std::size_t longest = 0;
    for (const auto& s : series) longest = std::max(longest, s.name.size());
    const double w = 40 + 7.0 * double(longest), x = left + width - w - 8, y = top + 8;
    out << "<rect x='" << num(x) << "' y='" << num(y) << "' width='" << num(w) << "' height='"
        << num(18.0 * double(series.size()) + 6) << "' fill='white' fill-opacity='0.85' stroke='#999'/>\n";
    for (std::size_t i = 0; i < series.size(); ++i) {
      const double row = y + 15 + 18.0 * double(i);
      if (series[i].points)
        out << "<circle cx='" << num(x + 17) << "' cy='" << num(row - 4) << "' r='2.5' fill='" << color(i) << "'/>\n";
      else
        line(out, x + 6, row - 4, x + 28, row - 4, "stroke='" + std::string(color(i)) + "' stroke-width='2'");
      text(out, x + 34, row, "start", series[i].name);
    }
  }
};

}  // namespace detail

/// Line plot of every series (loss curves). With log_y, points with y <= 0 are skipped.
inline bool write_svg(const std::string& path, const LinePlot& plot) {
  double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
  for (const auto& s : plot.series)
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      if (plot.log_y && !(s.y[i] > 0)) continue;
      const double y = plot.log_y ? std::log10(s.y[i]) : s.y[i];
      x0 = std::min(x0, s.x_at(i)), x1 = std::max(x1, s.x_at(i));
      y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  if (!(x0 < x1)) x0 -= 0.5, x1 += 0.5;
  if (!(y0 < y1)) y0 -= 0.5, y1 += 0.5;
  const double pad = 0.05 * (y1 - y0);
  detail::Frame frame{x0, x1, y0 - pad, y1 + pad};
  frame.log_y = plot.log_y;
  std::ofstream out(path);
  frame.begin(out, plot.title, plot.xlabel, plot.ylabel);
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const Series& s = plot.series[k];
    if (s.points) {  // measurements: one dot per point
      for (std::size_t i = 0; i < s.y.size(); ++i)
        if (!plot.log_y || s.y[i] > 0)
          out << "<circle clip-path='url(#area)' cx='" << num(frame.px(s.x_at(i)), 5) << "' cy='"
              << num(frame.py(s.y[i]), 5) << "' r='2' fill='" << detail::color(k) << "'/>\n";
      continue;
    }
    out << "<polyline clip-path='url(#area)' fill='none' stroke-width='1.8' stroke='" << detail::color(k)
        << "' points='";
    for (std::size_t i = 0; i < s.y.size(); ++i)
      if (!plot.log_y || s.y[i] > 0) out << frame.point(s.x_at(i), s.y[i]) << ' ';
    out << "'/>\n";
  }
  frame.legend(out, plot.series);
  out << "</svg>\n";
  return bool(out);
}

/// Contour lines of c.f at c.levels by marching squares, then c.paths with their points.
inline bool write_svg(const std::string& path, const ContourPlot& c) {
  const int n = std::max(c.grid, 2);
  const double dx = (c.x_max - c.x_min) / n, dy = (c.y_max - c.y_min) / n;
  std::vector<double> v(std::size_t(n + 1) * std::size_t(n + 1));  // f on the grid nodes
  auto at = [&](int i, int j) -> double& { return v[std::size_t(j) * std::size_t(n + 1) + std::size_t(i)]; };
  for (int j = 0; j <= n; ++j)
    for (int i = 0; i <= n; ++i) at(i, j) = c.f(c.x_min + i * dx, c.y_min + j * dy);

  detail::Frame frame{c.x_min, c.x_max, c.y_min, c.y_max};
  if (c.equal_aspect) {  // the longer side gets 440 pixels
    const double pixels_per_unit = 440 / std::max(c.x_max - c.x_min, c.y_max - c.y_min);
    frame.width = pixels_per_unit * (c.x_max - c.x_min);
    frame.height = pixels_per_unit * (c.y_max - c.y_min);
  }
  std::ofstream out(path);
  frame.begin(out, c.title, c.xlabel, c.ylabel);

  for (std::size_t k = 0; k < c.levels.size(); ++k) {
    const double level = c.levels[k];
    const double shade = c.levels.size() > 1 ? double(k) / double(c.levels.size() - 1) : 0.0;
    char stroke[8];  // dark blue at the lowest level, light blue-grey at the highest
    std::snprintf(stroke, sizeof stroke, "#%02x%02x%02x", int(40 + 140 * shade), int(80 + 110 * shade),
                  int(160 + 70 * shade));
    out << "<path clip-path='url(#area)' fill='none' stroke='" << stroke << "' d='";
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        // Corners counter-clockwise from bottom-left; edge e runs from corner e to e + 1.
        const double corner[4] = {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)};
        const double cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};
        double px[4], py[4];
        int crossings = 0;
        for (int e = 0; e < 4; ++e) {
          const double a = corner[e], b = corner[(e + 1) % 4];
          if ((a > level) == (b > level)) continue;
          const double t = (level - a) / (b - a);
          px[crossings] = c.x_min + (i + cx[e] + t * (cx[(e + 1) % 4] - cx[e])) * dx;
          py[crossings++] = c.y_min + (j + cy[e] + t * (cy[(e + 1) % 4] - cy[e])) * dy;
        }
        auto segment = [&](int a, int b) {
          out << 'M' << frame.point(px[a], py[a]) << 'L' << frame.point(px[b], py[b]);
        };
        if (crossings == 2) segment(0, 1);
        if (crossings == 4) {  // a saddle: the centre value decides which corners connect
          const bool centre_high = (corner[0] + corner[1] + corner[2] + corner[3]) / 4 > level;
          if ((corner[0] > level) == centre_high)
            segment(0, 1), segment(2, 3);
          else
            segment(3, 0), segment(1, 2);
        }
      }
    out << "'/>\n";
  }

  for (std::size_t k = 0; k < c.paths.size(); ++k) {
    const Series& s = c.paths[k];
    out << "<g clip-path='url(#area)' stroke='" << detail::color(k) << "' fill='" << detail::color(k)
        << "'><polyline fill='none' stroke-width='1.8' points='";
    for (std::size_t i = 0; i < s.y.size(); ++i) out << frame.point(s.x_at(i), s.y[i]) << ' ';
    out << "'/>\n";
    for (std::size_t i = 0; i < s.y.size() && s.y.size() <= 400; ++i)  // markers on short paths
      out << "<circle cx='" << num(frame.px(s.x_at(i)), 5) << "' cy='" << num(frame.py(s.y[i]), 5) << "' r='"
          << (i == 0 ? 4.5 : 2.5) << "'/>\n";
    out << "</g>\n";
  }
  if (!c.paths.empty()) frame.legend(out, c.paths);
  out << "</svg>\n";
  return bool(out);
}

}  // namespace example::plot
