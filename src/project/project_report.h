// What `bitvote project` prints: the fits, each measured point beside the
// model's prediction and its error, the projection table, the crossovers;
// and the projection rows as JSON lines.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "project/calibrate.h"
#include "project/projection.h"

namespace bitvote {

// The fitted model: per strategy where rows exist, else global.
struct FittedModel {
    std::vector<Fit> per_strategy;
    Fit global;
};
// The fit for a label, else the global one.
const Fit& fitted_for(const FittedModel& m, const std::string& label);

void report_fits(const FittedModel& m, int skipped_rows, bool use_min_time);
// One line per sweep point: measured, predicted by its strategy's fit and by
// the global fit, each with the relative error.
void report_sweep_checks(std::span<const SweepPoint> points, const FittedModel& m);
// One line per run: measured step and comm time beside the prediction
// (non-comm phases as measured + the model's comm with its strategy's fit;
// `link`, the projection's, when nothing was fitted, m == nullptr, or the fit
// needs a link rate: runs carry none, --bandwidth gives it). --overlap runs
// (overlap[i] fitted) predict the exposed comm from the model's busy comm and
// their fit, and print busy and hidden beside it.
void report_run_checks(std::span<const RunProfile> runs, std::span<const OverlapFit> overlap, const FittedModel* m,
                       const LinkModel& link, double density);
void report_link(const LinkModel& link, const std::string& source, const std::string& best_label, double best_ratio);
void report_projection(std::span<const ProjectionRow> rows);
void report_crossovers(std::span<const ProjectionRow> rows);
// One JSON object per row; false with *error if the file cannot be written.
bool projection_json_write(const std::string& path, std::span<const ProjectionRow> rows, std::string* error);

}  // namespace bitvote
