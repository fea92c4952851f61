using Inspecta.Datasets;
using Inspecta.Detectors.Components;
using Inspecta.Geometry;
using Inspecta.Geometry.Registration;
using Inspecta.Persistence;

namespace Inspecta.Detectors.PointPatchCore;

/// <summary>
/// PatchCore for unorganised point clouds (Real3D-AD / Anomaly-ShapeNet): each cloud is voxel down-sampled, patch
/// centres are chosen by farthest-point sampling, each patch is described by the mean FPFH (or the centroid) of its
/// nearest points; the good patches form a coreset memory bank (<see cref="PatchMemoryBank"/>). A test patch scores
/// its distance to the nearest bank patch; per-point scores are interpolated from the patch centres and the object
/// score is PatchCore's re-weighted maximum. With <see cref="Registered"/>, every cloud is first aligned to the first
/// training template by FPFH + RANSAC global registration refined with ICP (the Reg3D-AD idea), which makes the
/// centroid descriptor meaningful and the FPFH bank pose-consistent.
/// </summary>
public sealed class PointPatchCoreDetector : IAnomalyDetector
{
    public const string MethodId = "pc-patchcore";
    public const int DefaultCentres = 512, DefaultPatchPoints = 64;

    private readonly PointDescriptor _descriptor;
    private readonly int _centres, _patchPoints;
    private PointPatchSettings? _settings;
    private PatchMemoryBank? _bank;
    private PointCloud? _reference;
    private float[]? _referenceFpfh;

    public string Method => MethodId;
    public double CoresetRatio { get; }
    public int NumNeighbours { get; }
    public int Seed { get; }
    public bool Registered { get; }
    public PointPatchSettings? Settings => _settings;
    public int BankSize => _bank?.Count ?? 0;

    public PointPatchCoreDetector(PointPatchCoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        _descriptor = PointPatchSettings.ParseDescriptor(options.Descriptor);
        _centres = options.Centres;
        _patchPoints = options.PatchPoints;
        CoresetRatio = options.CoresetRatio;
        NumNeighbours = options.NumNeighbours;
        Seed = options.Seed;
        Registered = options.Register;
    }

    public void Dispose() { }

    private PointPatchCoreDetector(PointPatchSettings settings, double coreset, int neighbours, int seed, bool registered)
    {
        _settings = settings; _descriptor = settings.Descriptor; _centres = settings.Centres; _patchPoints = settings.PatchPoints;
        CoresetRatio = coreset; NumNeighbours = neighbours; Seed = seed; Registered = registered;
    }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        SampleImages.RequireAtLeast(good, 1, MethodId);
        var first = GeometryInput.ReadCloud(good[0], MethodId);
        var settings = PointPatchSettings.ForDiagonal(_descriptor, _centres, _patchPoints, PointPatches.Diagonal(first.Positions));
        if (!(settings.VoxelSize > 0)) throw InspectaUserException.ForFile(good[0].GeometryPath ?? good[0].Path, "the training cloud has no extent (all points coincide).");
        _settings = settings;
        _reference = null; _referenceFpfh = null;
        var rows = new List<float[]>(good.Count);
        int total = 0;
        for (int s = 0; s < good.Count; s++)
        {
            ct.ThrowIfCancellationRequested();
            var cloud = s == 0 ? first : GeometryInput.ReadCloud(good[s], MethodId);
            var (reduced, fpfh) = PointPatches.Reduce(cloud, settings);
            if (Registered && s == 0) { _reference = reduced; _referenceFpfh = fpfh; }
            else if (Registered) reduced = Align(reduced, fpfh).Apply(reduced);
            var patches = PointPatches.Describe(reduced, fpfh, settings);
            rows.Add(patches.Descriptors);
            total += patches.CentreCount;
            progress?.Report(new ProgressUpdate("clouds", s + 1, good.Count));
        }
        int dim = settings.Dimension;
        var all = new float[total * dim];
        int offset = 0;
        foreach (var r in rows) { r.CopyTo(all, offset); offset += r.Length; }
        _bank = PatchMemoryBank.Build(all, total, dim, CoresetRatio, Seed, progress, ct);
    }

    /// <summary>
    /// The rigid transform taking a reduced cloud onto the reference template (identity without registration): global
    /// FPFH + RANSAC registration refined by ICP, unless plain ICP from the cloud's own pose fits better — clouds that
    /// are already roughly aligned (and symmetric objects, where RANSAC may pick a symmetric twin) keep their pose.
    /// </summary>
    private RigidTransform Align(PointCloud reduced, float[] fpfh)
    {
        if (_reference is null) return RigidTransform.Identity;
        float distance = 1.5f * _settings!.VoxelSize;
        var global = GlobalRegistration.Ransac(reduced, _reference, fpfh, _referenceFpfh!, Geometry.Features.Fpfh.Dimensions,
            new GlobalRegistrationOptions { MaxCorrespondenceDistance = distance, Seed = Seed, MaxIterations = 20_000 });
        var local = Icp.Register(reduced, _reference, new IcpOptions { MaxCorrespondenceDistance = distance });
        bool localBetter = local.Fitness > global.Fitness || (local.Fitness == global.Fitness && local.InlierRmse <= global.InlierRmse);
        return localBetter ? local.Transform : global.Transform;
    }

    public Prediction Predict(Sample sample)
    {
        var bank = _bank ?? throw new InvalidOperationException($"{MethodId} is not fitted.");
        var settings = _settings!;
        var cloud = GeometryInput.ReadCloud(sample, MethodId);
        var (reduced, fpfh) = PointPatches.Reduce(cloud, settings);
        var transform = Align(reduced, fpfh);
        bool moved = Registered && _reference is not null;
        if (moved) reduced = transform.Apply(reduced);
        var patches = PointPatches.Describe(reduced, fpfh, settings);
        var centreScores = bank.PatchScores(patches.Descriptors, patches.CentreCount, out int[] nearest);
        float score = bank.ImageScore(patches.Descriptors, patches.CentreCount, centreScores, nearest, NumNeighbours);
        var positions = moved ? transform.Apply(new PointCloud(cloud.Positions)).Positions : cloud.Positions;
        return new Prediction(score, null, PointPatches.Interpolate(positions, patches.Centres, centreScores));
    }

    public void Save(ModelWriter writer)
    {
        var bank = _bank ?? throw new InvalidOperationException($"{MethodId} is not fitted.");
        var s = _settings!;
        var p = writer.Parameters;
        var options = new PointPatchCoreOptions
        {
            Descriptor = s.Descriptor.ToString().ToLowerInvariant(), Centres = s.Centres, PatchPoints = s.PatchPoints,
            CoresetRatio = CoresetRatio, NumNeighbours = NumNeighbours, Seed = Seed, Register = Registered,
        };
        options.Schema().WriteTo(options, p);
        p["voxel_size"] = s.VoxelSize; p["normal_radius"] = s.NormalRadius; p["feature_radius"] = s.FeatureRadius;
        bank.Save(writer);
        if (_reference is not null)
        {
            writer.AddArray("reference_xyz", _reference.Positions, _reference.Count, 3);
            writer.AddArray("reference_fpfh", _referenceFpfh!, _reference.Count, Geometry.Features.Fpfh.Dimensions);
            if (_reference.Normals is { } normals) writer.AddArray("reference_normals", normals, _reference.Count, 3);
        }
    }

    internal static PointPatchCoreDetector Load(ModelReader reader, PointPatchCoreOptions options)
    {
        var settings = new PointPatchSettings(PointPatchSettings.ParseDescriptor(options.Descriptor), options.Centres, options.PatchPoints,
            reader.Float("voxel_size"), reader.Float("normal_radius"), reader.Float("feature_radius"));
        var d = new PointPatchCoreDetector(settings, options.CoresetRatio, options.NumNeighbours, options.Seed, options.Register)
        {
            _bank = PatchMemoryBank.Load(reader),
        };
        if (d._bank.Dimension != settings.Dimension) throw reader.Error($"the pc-patchcore bank has dimension {d._bank.Dimension}, expected {settings.Dimension}.");
        if (d.Registered)
        {
            if (!reader.HasArray("reference_xyz")) throw reader.Error("a registered pc-patchcore model needs its reference template.");
            d._reference = new PointCloud(reader.ReadFloats("reference_xyz"));
            if (reader.HasArray("reference_normals")) d._reference.Normals = reader.ReadFloats("reference_normals");
            d._referenceFpfh = reader.ReadFloats("reference_fpfh");
            if (d._referenceFpfh.Length != d._reference.Count * Geometry.Features.Fpfh.Dimensions) throw reader.Error("the reference template's FPFH does not match its points.");
        }
        return d;
    }
}
