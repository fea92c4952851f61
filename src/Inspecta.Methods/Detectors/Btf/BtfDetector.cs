using Inspecta.Datasets;
using Inspecta.Detectors.Components;
using Inspecta.Features;
using Inspecta.Geometry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Btf;

/// <summary>
/// "Back to the Feature" (Horwitz &amp; Hoshen, 2022) for organised scans (MVTec 3D-AD): per-point handcrafted
/// features — raw xyz, FPFH, or FPFH plus PatchCore's RGB features — average-pooled to the patch grid and
/// scored by a PatchCore memory bank (greedy coreset, nearest-neighbour distance, re-weighted image score).
/// Patch scores are upsampled to every pixel of the scan, invalid pixels included.
/// </summary>
public sealed class BtfDetector : IAnomalyDetector, IFitWarnings
{
    public const string RawId = "btf-raw", FpfhId = "btf-fpfh", FpfhRgbId = "btf-fpfh-rgb";
    public const int DefaultInputSize = 224;
    private const int RgbDimension = 1024; // PatchCore's embedding width

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string>? _layers;
    private readonly PatchEmbedder _embedder = new(RgbDimension, RgbDimension);
    private FeatureSource? _source;

    /// <summary>Layers too coarse to localise (see <see cref="FeatureSource.CoarseLayerWarnings"/>).</summary>
    public IReadOnlyList<string> FitWarnings => _source?.CoarseLayerWarnings() ?? [];
    private PatchMemoryBank? _bank;

    public BtfFeatures Features { get; }
    public BtfGeometry Geometry { get; }
    public double CoresetRatio { get; }
    public int NumNeighbours { get; }
    public int Seed { get; }
    public string Method => MethodIdOf(Features);
    /// <summary>Feature length of one patch.</summary>
    public int PatchDimension => BtfGeometry.Dimension(Features) + (Features == BtfFeatures.FpfhRgb ? RgbDimension : 0);
    public PatchMemoryBank? Bank => _bank;

    public static string MethodIdOf(BtfFeatures kind) => kind switch
    {
        BtfFeatures.Raw => RawId, BtfFeatures.Fpfh => FpfhId, _ => FpfhRgbId,
    };

    public BtfDetector(BtfFeatures features, BtfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        if (features == BtfFeatures.FpfhRgb && options is not BtfRgbOptions)
            throw new ArgumentException("btf-fpfh-rgb needs BtfRgbOptions (backbone and layers).", nameof(options));
        Features = features;
        Geometry = BtfGeometry.Default(options.ImageSize);
        CoresetRatio = options.CoresetRatio;
        NumNeighbours = options.NumNeighbours;
        Seed = options.Seed;
        _backboneSpec = (options as BtfRgbOptions)?.Backbone ?? BackbonePreset.DefaultName;
        _layers = (options as BtfRgbOptions)?.Layers;
    }

    private BtfDetector(BtfFeatures features, BtfGeometry geometry, double coreset, int neighbours, int seed, FeatureSource? source, PatchMemoryBank bank)
    {
        Features = features; Geometry = geometry; CoresetRatio = coreset; NumNeighbours = neighbours; Seed = seed;
        _source = source; _bank = bank;
        _backboneSpec = source?.Backbone.Info.Path ?? BackbonePreset.DefaultName;
        _layers = source?.Layers;
    }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        if (good.Count == 0) throw new InspectaUserException("BTF needs at least one good training scan; the train set is empty.");
        foreach (var s in good) _ = ScanPath(s);
        if (Features == BtfFeatures.FpfhRgb) foreach (var s in good) RequireRgb(s);
        float[][]? rgb = null;
        int gridH = Geometry.GridSize, gridW = Geometry.GridSize;
        if (Features == BtfFeatures.FpfhRgb)
        {
            _source?.Dispose();
            _source = FeatureSource.Open(_backboneSpec, Preprocessing.For(Geometry.InputSize, false), _layers, l => l.TakeLast(2).ToArray());
            rgb = new float[good.Count][];
            int h = 0, w = 0;
            _source.ExtractAll(good, (i, f) => { (rgb[i], h, w) = _embedder.Embed(f.Maps); }, progress, ct);
            (gridH, gridW) = (h, w);
        }
        int dim = PatchDimension, cells = gridH * gridW;
        if ((long)good.Count * cells * dim > Array.MaxLength)
            throw new InspectaUserException($"The memory bank of {good.Count} scans × {cells} patches is too large; use fewer scans or a smaller --image-size.");
        var all = new float[good.Count * cells * dim];
        long done = 0;
        progress?.Report(new ProgressUpdate("3D features", 0, good.Count));
        Parallel.For(0, good.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            Embed(good[i], rgb?[i], gridH, gridW, all.AsSpan(i * cells * dim, cells * dim));
            progress?.Report(new ProgressUpdate("3D features", Interlocked.Increment(ref done), good.Count));
        });
        _bank = PatchMemoryBank.Build(all, good.Count * cells, dim, CoresetRatio, Seed, progress, ct);
    }

    /// <summary>Patch rows of one scan (cells × PatchDimension, RGB first); returns the scan's pixel size.</summary>
    private (int Height, int Width) Embed(Sample sample, float[]? rgbRows, int gridH, int gridW, Span<float> rows)
    {
        string path = ScanPath(sample);
        var scan = GeometryInput.ReadScan(sample, Method);
        int dim = PatchDimension, offset = 0;
        if (rgbRows is not null)
        {
            for (int c = 0; c < gridH * gridW; c++) rgbRows.AsSpan(c * RgbDimension, RgbDimension).CopyTo(rows.Slice(c * dim, RgbDimension));
            offset = RgbDimension;
        }
        Geometry.PatchFeatures(scan, path, Features, gridH, gridW, rows, dim, offset);
        return (scan.Height, scan.Width);
    }

    private static string ScanPath(Sample s) =>
        s.GeometryPath ?? throw InspectaUserException.ForFile(s.Path, "has no xyz scan; BTF needs organised scans (MVTec 3D-AD layout).");

    /// <summary>
    /// btf-fpfh-rgb reads the sample's image (<see cref="Sample.Path"/>) beside its scan. A sample whose image is the scan
    /// itself (a bare xyz TIFF given to predict) has no rgb: decoding the xyz floats as colours would be a silently wrong score.
    /// </summary>
    private void RequireRgb(Sample s)
    {
        string scan = ScanPath(s);
        if (s.Image is not null) return;
        string? expected = Mvtec3dXyz.RgbPathFor(scan);
        if (string.IsNullOrEmpty(s.Path) || string.Equals(Path.GetFullPath(s.Path), Path.GetFullPath(scan), StringComparison.Ordinal))
            throw InspectaUserException.ForFile(expected ?? scan, expected is null
                ? $"{Method} needs the rgb image of each scan, and this scan is not in an MVTec 3D-AD xyz folder (<sample>/xyz/<id>.tiff with <sample>/rgb/<id>.png)."
                : $"{Method} needs the rgb image of the scan {scan}; it is missing.");
        if (!File.Exists(s.Path)) throw InspectaUserException.ForFile(s.Path, $"{Method} needs the rgb image of the scan {scan}; it is missing.");
    }

    public Prediction Predict(Sample sample)
    {
        var bank = _bank ?? throw new InvalidOperationException("BTF is not fitted.");
        float[]? rgb = null;
        int gridH = Geometry.GridSize, gridW = Geometry.GridSize;
        if (Features == BtfFeatures.FpfhRgb)
        {
            var source = _source ?? throw new InvalidOperationException("BTF is not fitted.");
            RequireRgb(sample);
            (rgb, gridH, gridW) = _embedder.Embed(source.Extract(sample).Maps);
        }
        int cells = gridH * gridW;
        var rows = new float[cells * PatchDimension];
        var (height, width) = Embed(sample, rgb, gridH, gridW, rows);
        var scores = bank.PatchScores(rows, cells, out var nearest);
        float score = bank.ImageScore(rows, cells, scores, nearest, NumNeighbours);
        var map = GridScoreMap.ToImage(scores, gridH, gridW, Preprocessing.For(Geometry.InputSize, false), height, width);
        return new Prediction(score, map);
    }

    public void Save(ModelWriter writer)
    {
        var bank = _bank ?? throw new InvalidOperationException("BTF is not fitted.");
        var p = writer.Parameters;
        p["features"] = Features.ToString();
        Geometry.WriteTo(p);
        var options = new BtfOptions { CoresetRatio = CoresetRatio, NumNeighbours = NumNeighbours, Seed = Seed };
        options.Schema().WriteTo(options, p);
        p["patch_dimension"] = PatchDimension;
        if (Features == BtfFeatures.FpfhRgb) (_source ?? throw new InvalidOperationException("BTF is not fitted.")).WriteTo(p);
        bank.Save(writer);
    }

    internal static BtfDetector Load(ModelReader reader, BtfOptions options)
    {
        string name = reader.String("features");
        if (!Enum.TryParse<BtfFeatures>(name, out var kind)) throw reader.Error($"unknown BTF feature kind '{name}'.");
        if (reader.Method != MethodIdOf(kind)) throw reader.Error($"method '{reader.Method}' does not match BTF features '{name}'.");
        var geometry = BtfGeometry.Read(reader.Parameters, reader);
        var bank = PatchMemoryBank.Load(reader);
        int expected = BtfGeometry.Dimension(kind) + (kind == BtfFeatures.FpfhRgb ? RgbDimension : 0);
        if (bank.Dimension != expected) throw reader.Error($"the BTF bank has {bank.Dimension} values per patch, expected {expected}.");
        FeatureSource? source = kind == BtfFeatures.FpfhRgb ? FeatureSource.Read(reader.Parameters, reader) : null; // the ONNX session last
        return new BtfDetector(kind, geometry, options.CoresetRatio, options.NumNeighbours, options.Seed, source, bank);
    }

    public void Dispose() => _source?.Dispose();
}
