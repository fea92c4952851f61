using Inspecta.Datasets;
using Inspecta.Detectors.PatchCore;
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
public sealed class BtfDetector : IAnomalyDetector, IGeometryDetector, IDisposable
{
    public const string RawId = "btf-raw", FpfhId = "btf-fpfh", FpfhRgbId = "btf-fpfh-rgb";
    public const int DefaultInputSize = 224;
    private const int RgbDimension = PatchCoreDetector.Dimension;

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string>? _layers;
    private readonly PatchCoreEmbedder _embedder = new(RgbDimension, RgbDimension);
    private FeatureSource? _source;
    private PatchMemoryBank? _bank;

    public BtfFeatures Features { get; }
    public BtfGeometry Geometry { get; }
    public double CoresetRatio { get; }
    public int NumNeighbours { get; }
    public int Seed { get; }
    public string Method => MethodIdOf(Features);
    public GeometryKind Input => GeometryKind.OrganizedScan;
    /// <summary>Feature length of one patch.</summary>
    public int PatchDimension => BtfGeometry.Dimension(Features) + (Features == BtfFeatures.FpfhRgb ? RgbDimension : 0);
    public PatchMemoryBank? Bank => _bank;

    public static string MethodIdOf(BtfFeatures kind) => kind switch
    {
        BtfFeatures.Raw => RawId, BtfFeatures.Fpfh => FpfhId, _ => FpfhRgbId,
    };

    public BtfDetector(BtfFeatures features, FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Features = features;
        int size = options.ImageSize ?? DefaultInputSize;
        if (size < BtfGeometry.PatchStride * 2) throw new InspectaUserException($"--image-size must be at least {BtfGeometry.PatchStride * 2} for BTF, got {size}.");
        Geometry = BtfGeometry.Default(size);
        CoresetRatio = options.CoresetRatio ?? PatchCoreDetector.DefaultCoresetRatio;
        if (CoresetRatio is <= 0 or > 1 || double.IsNaN(CoresetRatio)) throw new InspectaUserException($"--coreset must be in (0, 1], got {CoresetRatio}.");
        NumNeighbours = options.NumNeighbours ?? PatchCoreDetector.DefaultNumNeighbours;
        if (NumNeighbours < 1) throw new InspectaUserException($"--num-neighbours must be at least 1, got {NumNeighbours}.");
        Seed = options.Seed;
        _backboneSpec = options.Backbone ?? PatchCoreDetector.DefaultBackbone;
        _layers = options.Layers;
    }

    private BtfDetector(BtfFeatures features, BtfGeometry geometry, double coreset, int neighbours, int seed, FeatureSource? source, PatchMemoryBank bank)
    {
        Features = features; Geometry = geometry; CoresetRatio = coreset; NumNeighbours = neighbours; Seed = seed;
        _source = source; _bank = bank;
        _backboneSpec = source?.Backbone.Info.Path ?? PatchCoreDetector.DefaultBackbone;
        _layers = source?.Layers;
    }

    public void Fit(IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
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
        var map = PatchCoreDetector.ScoreMap(scores, gridH, gridW, Preprocessing.For(Geometry.InputSize, false), height, width);
        return new Prediction(score, map);
    }

    public void Save(ModelWriter writer)
    {
        var bank = _bank ?? throw new InvalidOperationException("BTF is not fitted.");
        var p = writer.Parameters;
        p["features"] = Features.ToString();
        Geometry.WriteTo(p);
        p["coreset_ratio"] = CoresetRatio;
        p["num_neighbours"] = NumNeighbours;
        p["seed"] = Seed;
        p["patch_dimension"] = PatchDimension;
        if (Features == BtfFeatures.FpfhRgb) (_source ?? throw new InvalidOperationException("BTF is not fitted.")).WriteTo(p);
        bank.Save(writer);
    }

    public static BtfDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        string name = p["features"]?.GetValue<string>() ?? throw reader.Error("BTF parameters have no 'features'.");
        if (!Enum.TryParse<BtfFeatures>(name, out var kind)) throw reader.Error($"unknown BTF feature kind '{name}'.");
        if (reader.Method != MethodIdOf(kind)) throw reader.Error($"method '{reader.Method}' does not match BTF features '{name}'.");
        var geometry = BtfGeometry.Read(p, reader);
        var bank = PatchMemoryBank.Load(reader);
        FeatureSource? source = kind == BtfFeatures.FpfhRgb ? FeatureSource.Read(p, reader) : null;
        try
        {
            var d = new BtfDetector(kind, geometry, p["coreset_ratio"]!.GetValue<double>(), p["num_neighbours"]!.GetValue<int>(),
                p["seed"]!.GetValue<int>(), source, bank);
            if (bank.Dimension != d.PatchDimension) throw reader.Error($"the BTF bank has {bank.Dimension} values per patch, expected {d.PatchDimension}.");
            return d;
        }
        catch { source?.Dispose(); throw; }
    }

    public void Dispose() => _source?.Dispose();
}
