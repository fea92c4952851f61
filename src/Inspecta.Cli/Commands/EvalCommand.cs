using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Evaluation;
using Inspecta.Evaluation.Thresholds;

namespace Inspecta.Cli.Commands;

/// <summary>
/// <c>inspecta eval</c>: metrics of anomaly maps against a dataset's ground truth, in the MVTec AD or the MVTec LOCO AD
/// protocol (chosen by the dataset's layout). Two steps kept apart so other sources can plug in (e.g. running a
/// fitted model instead of reading maps): obtain an <see cref="EvaluationInput"/>, then evaluate and print it.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset root folder (MVTec AD or MVTec LOCO AD layout).", Required = true };
        var category = new Option<string>("--category") { Description = "Category to evaluate, e.g. bottle.", Required = true };
        var maps = new Option<string?>("--maps") { Description = "Folder of float32 TIFF anomaly maps laid out as <maps>/<category>/test/<defect>/<id>.tiff (or <defect>/<id>.tiff right under it, as `inspecta predict --input <category>/test` writes them)." };
        var model = new Option<string?>("--model") { Description = "Instead of --maps: run this fitted model (.inspecta) on the test set; adds timing and the stored threshold." };
        var saveMaps = new Option<string?>("--save-maps") { Description = "With --model: also write the full float32 maps as <dir>/<category>/test/<defect>/<id>.tiff (about 3 MB per 900×900 image; the --json file then records them for `inspecta report`). Without it, --report writes compressed 8-bit PNG previews beside the report (<name>_maps)." };
        var limits = new Option<string>("--limits") { Description = "FPR integration limits for AU-PRO / AU-sPRO.", DefaultValueFactory = _ => "0.01,0.05,0.1,0.3,1.0" };
        var proThresholds = new Option<int?>("--pro-thresholds") { Description = "Also compute AU-PRO from N equidistant thresholds (the MVTec 3D-AD code's variant)." };
        var json = new Option<string?>("--json") { Description = "Write the metrics as JSON to this file, or to stdout when no file is given.", Arity = ArgumentArity.ZeroOrOne };
        var curves = new Option<string?>("--curves") { Description = "Write the PRO, ROC and PR curves (CSV per curve + curves.json) into this folder." };
        var threshold = new Option<double?>("--threshold") { Description = "Also report image accuracy, pixel FPR/TPR and PRO at this pixel threshold, judged as `predict --threshold` judges (a region of at least the model's minimum defect area, or --min-defect-area, makes an image defective)." };
        var validationMaps = new Option<string?>("--validation-maps") { Description = "Folder of anomaly maps of GOOD validation images (*.tiff, searched recursively): calibrate thresholds (max, 0.99-quantile, 3-sigma, max-area) and report each on the test set." };
        var minDefectArea = new Option<int?>("--min-defect-area") { Description = "Smallest defect area in pixels: of the max-area calibration of --validation-maps (default 0.1% of the image area) and of the verdict at --threshold (default: the model's, else 1)." };
        var backbone = new Option<string?>("--backbone") { Description = "With --model: backbone file or preset for a model moved from another machine (must have the recorded SHA-256)." };
        var report = new Option<string?>("--report") { Description = "Also write the HTML report (metrics, curves, worst-first gallery) to this file." };
        var reportOptions = ReportCliOptions.Create();

        var command = new Command("eval", "Evaluate anomaly maps against ground truth: image/pixel AUROC, pixel AP, F1-max, AU-PRO (MVTec AD) or AU-sPRO (MVTec LOCO AD), exactly as the official MVTec code computes them.");
        foreach (var o in new Option[] { dataset, category, maps, model, saveMaps, limits, proThresholds, json, curves, threshold, validationMaps, minDefectArea, backbone, report })
            command.Options.Add(o);
        reportOptions.AddTo(command);

        command.SetAction(parse =>
        {
            bool jsonToStdout = parse.GetResult(json) is not null && parse.GetValue(json) is null;
            string? jsonPath = parse.GetValue(json);
            string? curvesDir = parse.GetValue(curves);
            var options = new EvaluationOptions
            {
                Category = parse.GetValue(category)!,
                Limits = EvaluationOptions.ParseLimits(parse.GetValue(limits)!),
                ProThresholds = parse.GetValue(proThresholds),
                ExportCurves = curvesDir is not null,
            };
            options.Validate();

            string? mapsDir = parse.GetValue(maps), modelPath = parse.GetValue(model);
            var evalCategory = new Lazy<Category>(() => DatasetReader.Open(parse.GetValue(dataset)!).Get(options.Category)); // opened once, when first needed
            if (parse.GetValue(report) is { } reportTarget)
            {
                // Say so before any work: LOCO has no HTML report yet; and the file must be writable.
                if (evalCategory.Value.Format == DatasetFormat.MvtecLoco)
                    throw new InspectaUserException("--report supports the MVTec AD protocol; MVTec LOCO AD reports are not implemented yet (use --json).");
                OutputPaths.RequireHtmlFile(reportTarget, "--report");
            }
            if (jsonPath is not null) OutputPaths.RequireWritableFile(jsonPath, "--json");
            if (parse.GetValue(threshold) is double given && !double.IsFinite(given))
                throw new InspectaUserException($"--threshold must be a finite number, got {given}.");
            if ((mapsDir is null) == (modelPath is null)) throw new InspectaUserException("Give exactly one of --maps <dir> or --model <file.inspecta>.");
            if (parse.GetValue(saveMaps) is not null && modelPath is null) throw new InspectaUserException("--save-maps needs --model.");
            if (parse.GetValue(backbone) is not null && modelPath is null) throw new InspectaUserException("--backbone needs --model.");
            using var trained = modelPath is null ? null : Detectors.TrainedModel.Load(modelPath, new Persistence.ModelLoadOptions(parse.GetValue(backbone)));
            string? mapsRoot = mapsDir ?? parse.GetValue(saveMaps), previewsRoot = null;
            if (trained is not null)
            {
                // Point-cloud datasets (Real3D-AD, Anomaly-ShapeNet) have per-point ground truth: object and point AUROC instead of maps.
                var modelCategory = evalCategory.Value;
                if (ModelPredictionSource.IsPointCloud(modelCategory.Format))
                {
                    EvalPointCloudCommand.RejectMapOnlyOptions(parse, report, saveMaps, validationMaps, minDefectArea, limits, proThresholds);
                    return EvalPointCloudCommand.Run(console, trained, modelCategory, jsonToStdout, jsonPath, parse.GetValue(threshold), curvesDir);
                }
                // A full category's float maps are hundreds of MB (257 MB for bottle): with --report alone, compressed 8-bit
                // previews go beside the report; the float maps (and the eval JSON's record for `inspecta report`) need --save-maps.
                if (mapsRoot is null && parse.GetValue(report) is { } target && modelCategory.Format != DatasetFormat.MvtecLoco)
                    previewsRoot = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, Path.GetFileNameWithoutExtension(target) + "_maps");
            }
            // Checked (after the point-cloud branch, which has its own refusals) before minutes of predicting: the rule of --threshold and its options.
            var givenRule = GivenRule(trained, parse.GetValue(threshold), parse.GetValue(minDefectArea), parse.GetValue(validationMaps));
            Detectors.ModelTestRun.Result? run = null;
            var input = console.RunWithProgress("eval", p =>
            {
                if (trained is null) return ObtainFromMaps(evalCategory.Value, mapsDir!, p);
                run = ObtainFromModel(trained, evalCategory.Value, mapsRoot, p);
                return run.Input;
            }, logToStderr: jsonToStdout);
            foreach (string note in input.Notes) console.Info($"note: {note}", jsonToStdout);
            options = options with { Category = input.Category };
            if (previewsRoot is not null) console.Info(Reporting.MapPreviews.Describe(Reporting.MapPreviews.Write(input.Images, previewsRoot, input.Category)), jsonToStdout);

            var (node, summary, curveList) = console.RunWithProgress("metrics", p => Evaluate(input, options, p), logToStderr: jsonToStdout);

            var calibrationNotes = new List<string>();
            var thresholds = ThresholdReports(input, givenRule, parse.GetValue(validationMaps), parse.GetValue(minDefectArea), calibrationNotes);
            foreach (string note in calibrationNotes) console.Info($"note: {note}", jsonToStdout);
            var storedRule = trained?.Rule;
            if (trained?.Detector is Detectors.IOwnThresholds own)
                thresholds.Insert(0, ($"method_{own.OwnEstimator}", null, ThresholdReport.At(input.Images, new Detectors.VerdictRule(own.PixelThreshold, storedRule?.MinDefectArea ?? 1) { Source = $"{trained.Detector.Method}'s own {own.OwnEstimator}" })));
            if (storedRule is not null)
                thresholds.Insert(0, ($"stored_{trained!.Thresholds!.Estimator}", storedRule, ThresholdReport.At(input.Images, storedRule)));
            // The rule the verdicts, the report and the JSON's per-image list use: the one given, else the model's, else the validation maps' max-area.
            var primary = thresholds.FirstOrDefault(r => r.Name == "given") is { Rule: not null } g ? g
                : thresholds.FirstOrDefault(r => r.Rule is not null);
            if (primary.Rule is not null)
            {
                node["verdicts"] = new JsonObject
                {
                    ["rule"] = primary.Rule.ToJson(),
                    ["images"] = new JsonArray([.. input.Images.Select((e, i) => (JsonNode)new JsonObject
                    {
                        ["label"] = e.Label, ["id"] = e.Id, ["score"] = e.Score,
                        ["defective"] = primary.Report.Verdicts[i].Defective, ["largest_region"] = primary.Report.Verdicts[i].LargestRegion,
                    })]),
                };
                summary.Add($"  verdicts      {primary.Report.Verdicts.Count(v => v.Defective)} of {input.Images.Count} defective: {primary.Rule.Describe()} ({primary.Rule.Source})");
            }
            if (run is not null)
            {
                node["method"] = trained!.Detector.Method;
                node["timing"] = new JsonObject
                {
                    ["fit_s"] = trained.Summary is { } ts ? JsonValue.Create(ts.FitSeconds) : null,
                    ["predict_ms_median"] = Math.Round(run.MedianMs, 2),
                    ["predict_ms_p95"] = Math.Round(run.P95Ms, 2),
                    ["stages_ms_median"] = run.Stages.ToJson(),
                };
                summary.Add($"  timing        fit {(trained.Summary is { } s2 ? $"{s2.FitSeconds:F1} s" : "n/a")}   predict median {run.MedianMs:F0} ms   p95 {run.P95Ms:F0} ms");
                summary.Add($"  per image     {run.Stages} ms (median of each stage)");
            }
            if (thresholds.Count > 0)
            {
                var t = new JsonObject();
                foreach (var (name, _, report) in thresholds) t[name] = report.ToJsonNode();
                node["thresholds"] = t;
                summary.AddRange(thresholds.Select(r => FormatReport(r.Name, r.Report)));
                // How much the stored threshold depends on which validation images were drawn (recorded at fit).
                if (trained?.Thresholds is { PixelInterval: { } interval } stored && t[$"stored_{stored.Estimator}"] is JsonObject entry)
                {
                    entry["pixel_interval"] = interval.ToJson();
                    entry["validation_images"] = stored.ValidationImages;
                    summary.Add($"  stored threshold: {interval} ({stored.ValidationImages} images)");
                }
            }

            string? reportPath = parse.GetValue(report);
            if (reportPath is not null && input.IsLoco)
                throw new InspectaUserException("--report supports the MVTec AD protocol; MVTec LOCO AD reports are not implemented yet.");
            string? shownMaps = mapsRoot ?? previewsRoot;
            if ((reportPath is not null || jsonPath is not null) && !input.IsLoco && shownMaps is not null)
            {
                var test = evalCategory.Value.Test;
                var reportThreshold = EvalReport.Threshold(primary.Rule);
                var context = EvalReport.Context(parse.GetValue(dataset)!, input.Category, shownMaps, modelPath);
                string title = $"Inspecta evaluation: {input.Category}";
                // What `inspecta report <eval.json>` needs later: float maps on disk (not the 8-bit previews).
                if (mapsRoot is not null)
                    node[Reporting.ReportManifest.JsonKey] = (Reporting.ReportManifest.FromSamples(input.Images, test, MapFolderSource.PathsIn(mapsRoot, input.Category, test)) with
                    {
                        Title = title, Threshold = reportThreshold, Context = context, Limits = options.Limits, ProThresholds = options.ProThresholds,
                    }).ToJson();
                if (reportPath is not null)
                {
                    var rendering = reportOptions.Read(parse);
                    var written = console.RunWithProgress("report", p => Reporting.HtmlReportWriter.Write(
                        Reporting.ReportInputs.FromEvaluatedImages(input.Images, test, options, reportThreshold, title, context, p), reportPath, rendering, p),
                        logToStderr: jsonToStdout);
                    ReportCliOptions.PrintResult(console, written, jsonToStdout);
                }
            }

            if (curvesDir is not null && curveList is not null)
            {
                var files = CurveExport.Write(curvesDir, curveList);
                console.Info($"wrote {curveList.Count} curves to {curvesDir} ({files.Count} files)", jsonToStdout);
            }
            if (jsonToStdout) console.WriteJson(node);
            else
            {
                foreach (string line in summary) console.Out.WriteLine(line);
                if (jsonPath is not null)
                {
                    WriteJsonFile(console, node, jsonPath);
                    console.Info($"wrote {jsonPath}");
                }
            }
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>Obtains the images from maps on disk; the test samples and ground truth come from the dataset reader.</summary>
    internal static EvaluationInput ObtainFromMaps(Category category, string mapsRoot, IProgress<ProgressUpdate> progress)
    {
        IReadOnlyList<DefectSaturation>? loco = category.Format == DatasetFormat.MvtecLoco ? DefectSaturation.FromCategory(category) : null;
        return MapFolderSource.Load(mapsRoot, category.Name, category.Test,
            s => s.LoadGroundTruth(),
            loco is null ? null : s => s.LoadGroundTruthChannels(),
            loco, progress);
    }

    /// <summary>Runs a fitted model on the category's test set (the detector computes; this only wires the dataset in).</summary>
    internal static Detectors.ModelTestRun.Result ObtainFromModel(Detectors.TrainedModel model, Category category, string? saveMaps, IProgress<ProgressUpdate> progress)
    {
        var loco = category.Format == DatasetFormat.MvtecLoco ? DefectSaturation.FromCategory(category) : null;
        return Detectors.ModelTestRun.Run(model, category, loco, saveMaps, progress);
    }

    /// <summary>Evaluates in the protocol of the input's layout; returns the JSON, the human summary and the curves.</summary>
    internal static (JsonObject Json, List<string> Summary, IReadOnlyList<Curve>? Curves) Evaluate(EvaluationInput input, EvaluationOptions options, IProgress<ProgressUpdate> progress)
    {
        if (input.IsLoco)
        {
            var r = LocoEvaluator.Evaluate(input.Images, input.LocoDefects!, options, progress);
            var lines = new List<string>
            {
                $"{r.Category}: MVTec LOCO AD protocol, {r.ImageCount} test images, {r.StructuralRegions} structural and {r.LogicalRegions} logical ground-truth regions",
                $"  image AUROC      structural {F(r.ImageAurocStructural)}  logical {F(r.ImageAurocLogical)}  mean {F(r.ImageAurocMean)}",
                $"  AU-sPRO structural {Limits(r.AuSproStructural)}",
                $"  AU-sPRO logical    {Limits(r.AuSproLogical)}",
                $"  AU-sPRO mean       {Limits(r.AuSproMean)}",
            };
            return (r.ToJsonNode(), lines, r.Curves);
        }
        var m = MetricsEvaluator.Evaluate(input.Images, options, progress);
        var summary = new List<string>
        {
            $"{m.Category}: MVTec AD protocol, {m.ImageCount} test images, {m.RegionCount} ground-truth regions (8-connected)",
            $"  image AUROC   {F(m.ImageAuroc)}   image F1-max {F(m.ImageF1Max)}",
            $"  pixel AUROC   {F(m.PixelAuroc)}   pixel AP {F(m.PixelAp)}   pixel F1-max {F(m.PixelF1Max)}",
            $"  AU-PRO        {Limits(m.AuPro)}",
        };
        if (m.AuProEquidistant is not null) summary.Add($"  AU-PRO ({m.ProThresholds} equidistant thresholds) {Limits(m.AuProEquidistant)}");
        return (m.ToJsonNode(), summary, m.Curves);
    }

    /// <summary>The rule of <c>--threshold</c>: the model's rule with the threshold (and area) replaced, as <c>predict --threshold</c> does.</summary>
    private static Detectors.VerdictRule? GivenRule(Detectors.TrainedModel? trained, double? threshold, int? minDefectArea, string? validationDir)
    {
        if (threshold is not double t)
        {
            if (minDefectArea is not null && validationDir is null) throw new InspectaUserException("--min-defect-area needs --validation-maps or --threshold.");
            return null;
        }
        return trained?.Rule is { } stored ? stored.Override(t, minDefectArea)
            : new Detectors.VerdictRule(t, minDefectArea ?? 1) { Source = "--threshold given" };
    }

    /// <summary>Reports at a given rule and at thresholds calibrated on good validation maps (each judged with the
    /// max-area estimator's minimum defect area, the rule a model fitted on those maps would store).</summary>
    private static List<(string Name, Detectors.VerdictRule? Rule, ThresholdReport Report)> ThresholdReports(EvaluationInput input, Detectors.VerdictRule? given,
        string? validationDir, int? minDefectArea, List<string> notes)
    {
        var reports = new List<(string, Detectors.VerdictRule?, ThresholdReport)>();
        if (given is not null) reports.Add(("given", given, ThresholdReport.At(input.Images, given)));
        if (validationDir is null) return reports;
        var good = ValidationMaps.Read(validationDir, input.Images[0].Map.Height, input.Images[0].Map.Width, notes);
        var estimators = ValidationMaps.Estimators(minDefectArea, good[0].Height, good[0].Width);
        int area = estimators.OfType<MaxAreaThreshold>().Single().MinDefectArea;
        foreach (var estimator in estimators)
        {
            var rule = new Detectors.VerdictRule(estimator.Estimate(good), area) { Source = $"{estimator.Name} on {good.Count} good validation maps" };
            // Max-area is the calibration fit stores, so it is the one that may judge the report and the verdicts.
            reports.Add((estimator.Name, estimator is MaxAreaThreshold ? rule : null, ThresholdReport.At(input.Images, rule)));
        }
        return reports;
    }

    private static string FormatReport(string name, ThresholdReport r) =>
        $"  threshold {name,-16} {r.Threshold.ToString("G6", CultureInfo.InvariantCulture),-12} area {r.MinDefectArea,-6} good acc {F(r.GoodAccuracy)}  defective acc {F(r.DefectiveAccuracy)}  pixel FPR {F(r.PixelFpr)}  pixel TPR {F(r.PixelTpr)}  PRO {F(r.Pro)}";

    private static string Limits(IReadOnlyDictionary<double, double> values) =>
        string.Join("  ", values.OrderBy(kv => kv.Key).Select(kv => $"@{LimitKey.Format(kv.Key)} {F(kv.Value)}"));

    private static string F(double v) => double.IsFinite(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "n/a";

    private static void WriteJsonFile(CliConsole console, JsonObject node, string path)
    {
        try { console.WriteJson(node, path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InspectaUserException.ForFile(path, $"cannot write ({ex.Message}).", ex);
        }
    }
}
