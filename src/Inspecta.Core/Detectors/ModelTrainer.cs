using System.Numerics.Tensors;
using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors.Options;
using Inspecta.Detectors.Registry;
using Inspecta.Evaluation;
using Inspecta.Evaluation.Thresholds;
using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>
/// The fit pipeline shared by every method: fit on the good training samples, predict the good
/// validation samples, calibrate the decision thresholds from those maps alone (max-area), and
/// record a training summary. Works for any <see cref="IAnomalyDetector"/> that produces maps.
/// </summary>
public static class ModelTrainer
{
    /// <summary>
    /// Below this many good validation images a fit warns. The stored threshold is (close to) the maximum over the
    /// validation images, and with n exchangeable good images the next good one exceeds the maximum of n with probability
    /// 1/(n+1): 33 % with the 2 images carved from 20 training images, ≤ 9 % from 10 on. 10 is also what the default 10 %
    /// carve gives with 100 training images, about half of a typical MVTec AD category.
    /// </summary>
    public const int RecommendedValidationImages = 10;

    /// <summary>Creates <paramref name="method"/>'s detector from <paramref name="options"/> and trains it (see the other overload).</summary>
    public static TrainedModel Train(MethodDescriptor method, MethodOptions options, FitContext context,
        int? minDefectArea = null, string? dataset = null, string? category = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        var detector = method.Create(options);
        try { return Train(detector, context, minDefectArea, dataset, category); }
        catch { detector.Dispose(); throw; }
    }

    public static TrainedModel Train(IAnomalyDetector detector, IReadOnlyList<Sample> train, IReadOnlyList<Sample> validation,
        int? minDefectArea = null, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default,
        string? dataset = null, string? category = null) =>
        Train(detector, new FitContext(train) { Validation = validation, Progress = progress, Cancellation = ct }, minDefectArea, dataset, category);

    /// <param name="minDefectArea">Pixels at the original resolution; null = 0.1 % of the validation image area
    /// (<see cref="ThresholdCalibration.DefaultMinDefectArea"/>: the thesis' experiments allow false-positive components below 0.1 % of the image, e.g. 810 px at 900×900).</param>
    public static TrainedModel Train(IAnomalyDetector detector, FitContext context, int? minDefectArea = null, string? dataset = null, string? category = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(context);
        var (train, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        if (train.Count == 0) throw new InspectaUserException("The train set is empty: a detector needs good training images.");
        if (minDefectArea is <= 0) throw new InspectaUserException($"--min-defect-area must be positive, got {minDefectArea}.");
        var validationGood = context.Validation.Where(s => s.IsGood).ToArray();

        // Checked again on the maps after fitting; a 2D image's header already tells before minutes of fitting.
        if (minDefectArea is int given && validationGood.FirstOrDefault(s => s.GeometryPath is null && (s.Image is not null || !string.IsNullOrEmpty(s.Path))) is { } first)
        {
            var info = first.ReadImageInfo();
            ThresholdCalibration.RequireMinDefectAreaBelowMap(given, info.Height, info.Width);
        }
        var sw = Stopwatch.StartNew();
        detector.Fit(context with { Validation = validationGood });
        double fitSeconds = sw.Elapsed.TotalSeconds;

        sw.Restart();
        CalibratedThresholds? thresholds = null;
        var warnings = new List<string>(detector is IFitWarnings w ? w.FitWarnings : []);
        if (validationGood.Length > 0)
        {
            var maps = new AnomalyMap[validationGood.Length];
            float imageMax = float.NegativeInfinity, pointMax = float.NegativeInfinity;
            for (int i = 0; i < validationGood.Length; i++)
            {
                ct.ThrowIfCancellationRequested();
                var p = detector.Predict(validationGood[i]);
                if (p.Map is null && p.PointScores is { } points) pointMax = Math.Max(pointMax, System.Numerics.Tensors.TensorPrimitives.Max<float>(points));
                else maps[i] = p.Map ?? throw new InvalidOperationException($"{detector.Method} produced neither an anomaly map nor point scores.");
                imageMax = Math.Max(imageMax, p.Score);
                progress?.Report(new ProgressUpdate("calibrate", i + 1, validationGood.Length));
            }
            if (maps[0] is null)
            {
                // Point-cloud methods: no pixel neighbourhoods for max-area, so the point threshold is the largest good point score.
                thresholds = new CalibratedThresholds("max", pointMax, imageMax, 0, validationGood.Length);
            }
            else
            {
                var estimator = MaxAreaThreshold.For(minDefectArea, maps[0]!.Height, maps[0]!.Width);
                float pixel = (float)estimator.Estimate(maps!);
                // The threshold over a set of maps is the largest of each map's own one, so resampling images needs only those.
                var perImage = maps.Select(m => estimator.Estimate([m!])).ToArray();
                thresholds = new CalibratedThresholds("max-area", pixel, imageMax, estimator.MinDefectArea, validationGood.Length)
                {
                    PixelInterval = ThresholdInterval.OfMaximum(perImage),
                };
                if (maps.Min(m => TensorPrimitives.Min<float>(m!.Data)) == maps.Max(m => TensorPrimitives.Max<float>(m!.Data)))
                    warnings.Add($"{detector.Method} gives the same score ({imageMax}) at every pixel of all {maps.Length} validation images, so it cannot tell " +
                                 "anything apart here. Typical causes: an --image-size too small for the backbone's deepest layer, too few --channels, " +
                                 "or validation images identical to the training images.");
            }
        }
        if (validationGood.Length is > 0 and < RecommendedValidationImages)
            warnings.Add($"the thresholds were calibrated on only {validationGood.Length} good validation image(s) (at least {RecommendedValidationImages} recommended): " +
                         $"the next good image exceeds a maximum over n images with probability 1/(n+1), here {1.0 / (validationGood.Length + 1):P0}" +
                         (thresholds?.PixelInterval is { } iv ? $", and the pixel threshold's {iv}" : "") +
                         ". Give more good images (fit --validation <folder>, or more training images to carve 10 % from).");
        var summary = new TrainingSummary(train.Count, validationGood.Length, fitSeconds, sw.Elapsed.TotalSeconds, dataset, category);
        var inputs = (MethodRegistry.Default.Find(detector.Method)?.Input ?? InputKind.Image) == InputKind.Image ? InputExpectations.From(train) : null;
        return new TrainedModel(detector, thresholds, summary) { Warnings = warnings, Inputs = inputs };
    }
}
