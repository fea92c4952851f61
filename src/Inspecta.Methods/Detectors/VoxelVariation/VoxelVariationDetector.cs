using Inspecta.Detectors.Components;
using Inspecta.Datasets;
using Inspecta.Geometry;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.VoxelVariation;

/// <summary>
/// The MVTec 3D-AD paper's voxel variation model: a G³ grid (G = 64) over the category's training bounding box;
/// per voxel, the occupancy's mean p and standard deviation √(p(1−p)) over the training scans (p Laplace-smoothed,
/// (k+1)/(N+2), so a voxel never or always occupied still has a finite deviation). A test scan's voxel scores
/// |o − p| / σ (o = 1 when a test point falls in it); voxel scores are projected back to pixels along the
/// viewing direction (z, as in MVTec 3D-AD scans) keeping the maximum over the voxel column, so missing material
/// (an empty voxel that is normally occupied) also lights up its pixels. Invalid test pixels use the training mean
/// x/y of that pixel to find their column (holes are found too); pixels never valid in training score 0.
/// Image score = the Mahalanobis distance of the whole occupancy grid (√Σ voxel scores²), since the map maximum saturates.
/// <para>
/// Missing data is modelled per pixel as well (<see cref="ScanValidityModel"/>): a hole where the training scans
/// returned depth removes only a few voxels among G³, so the invalid pixels also get the validity model's missing-data
/// score on the map, and the image score adds the validity image's squared Mahalanobis distance under the sum
/// (pixels and voxels independent). A scan without any valid point is refused as a user error (<see cref="GeometryInput.ReadScan"/>).
/// </para>
/// </summary>
public sealed class VoxelVariationDetector : IAnomalyDetector
{
    public const string MethodId = "voxel-vm";
    public const int DefaultResolution = 64;

    private int _height, _width, _scans;
    private float[] _min = new float[3], _size = new float[3];
    private int[] _occupied = [];
    private float[] _pixelXy = [];
    private int[] _pixelValid = [];
    private bool _legacy;

    public string Method => MethodId;
    public int Resolution { get; private set; }

    public VoxelVariationDetector(VoxelVariationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Resolution = options.Resolution;
    }

    public void Dispose() { }

    private VoxelVariationDetector() { }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        SampleImages.RequireAtLeast(good, 2, MethodId);
        // Pass 1: bounding box and per-pixel mean x/y (scans are too large to keep: 800×800×3 floats each).
        float[] lo = [float.MaxValue, float.MaxValue, float.MaxValue], hi = [float.MinValue, float.MinValue, float.MinValue];
        double[]? xySum = null;
        int[]? xyCount = null;
        for (int s = 0; s < good.Count; s++)
        {
            ct.ThrowIfCancellationRequested();
            var scan = GeometryInput.ReadScan(good[s], MethodId);
            if (s == 0) { _height = scan.Height; _width = scan.Width; xySum = new double[2 * scan.PixelCount]; xyCount = new int[scan.PixelCount]; }
            GeometryInput.RequireSize(scan, good[s], _height, _width, MethodId);
            var xyz = scan.Xyz;
            for (int p = 0; p < scan.PixelCount; p++)
            {
                if (!scan.IsValid(p)) continue;
                for (int a = 0; a < 3; a++) { lo[a] = MathF.Min(lo[a], xyz[3 * p + a]); hi[a] = MathF.Max(hi[a], xyz[3 * p + a]); }
                xySum![2 * p] += xyz[3 * p]; xySum[2 * p + 1] += xyz[3 * p + 1]; xyCount![p]++;
            }
            progress?.Report(new ProgressUpdate("bounds", s + 1, 2L * good.Count));
        }
        if (lo[0] > hi[0]) throw new InspectaUserException($"{MethodId}: the training scans contain no valid points.");
        for (int a = 0; a < 3; a++)
        {
            // A 1 % margin keeps the box's own boundary points inside the grid.
            float extent = MathF.Max(hi[a] - lo[a], 1e-6f);
            _min[a] = lo[a] - 0.01f * extent;
            _size[a] = 1.02f * extent;
        }
        _pixelXy = new float[2 * _height * _width];
        _pixelValid = xyCount!;
        for (int p = 0; p < _pixelValid.Length; p++)
        {
            if (xyCount![p] == 0) continue;
            _pixelXy[2 * p] = (float)(xySum![2 * p] / xyCount[p]);
            _pixelXy[2 * p + 1] = (float)(xySum[2 * p + 1] / xyCount[p]);
        }
        // Pass 2: in how many scans each voxel is occupied.
        int g = Resolution;
        _occupied = new int[g * g * g];
        var seen = new bool[_occupied.Length];
        for (int s = 0; s < good.Count; s++)
        {
            ct.ThrowIfCancellationRequested();
            Occupancy(GeometryInput.ReadScan(good[s], MethodId), seen);
            for (int v = 0; v < seen.Length; v++) if (seen[v]) _occupied[v]++;
            progress?.Report(new ProgressUpdate("voxels", good.Count + s + 1, 2L * good.Count));
        }
        _scans = good.Count;
    }

    private int Cell(float value, int axis) => Math.Clamp((int)((value - _min[axis]) / _size[axis] * Resolution), 0, Resolution - 1);

    private void Occupancy(OrganizedCloud scan, bool[] occupied)
    {
        Array.Clear(occupied);
        var xyz = scan.Xyz;
        int g = Resolution;
        for (int p = 0; p < scan.PixelCount; p++)
        {
            if (!scan.IsValid(p)) continue;
            occupied[(Cell(xyz[3 * p], 0) * g + Cell(xyz[3 * p + 1], 1)) * g + Cell(xyz[3 * p + 2], 2)] = true;
        }
    }

    public Prediction Predict(Sample sample)
    {
        if (_occupied.Length == 0) throw new InvalidOperationException($"{MethodId} is not fitted.");
        var scan = GeometryInput.ReadScan(sample, MethodId);
        GeometryInput.RequireSize(scan, sample, _height, _width, MethodId);
        int g = Resolution;
        var occupied = new bool[_occupied.Length];
        Occupancy(scan, occupied);
        var column = new float[g * g];
        double squared = 0;
        for (int c = 0; c < column.Length; c++)
        {
            float best = 0;
            for (int z = 0; z < g; z++)
            {
                int v = c * g + z;
                double p = (_occupied[v] + 1.0) / (_scans + 2.0);
                double score = Math.Abs((occupied[v] ? 1 : 0) - p) / Math.Sqrt(p * (1 - p));
                squared += score * score;
                best = MathF.Max(best, (float)score);
            }
            column[c] = best;
        }
        var map = new AnomalyMap(_height, _width);
        var xyz = scan.Xyz;
        for (int p = 0; p < map.Data.Length; p++)
        {
            float x, y;
            if (scan.IsValid(p)) { x = xyz[3 * p]; y = xyz[3 * p + 1]; }
            else if (_pixelValid[p] > 0) { x = _pixelXy[2 * p]; y = _pixelXy[2 * p + 1]; }
            else continue;
            map.Data[p] = column[Cell(x, 0) * g + Cell(y, 1)];
        }
        // The map maximum saturates (any point in a never-occupied voxel reaches the same value), so the object score is the
        // Mahalanobis distance of the whole occupancy grid under the per-voxel model, plus the squared missing-data scores of the scan's holes.
        // Models written before invalid-pixel scoring keep predicting exactly as they did (occupancy only).
        if (!_legacy)
        {
            var validity = new ScanValidityModel(_height, _width, _scans, _pixelValid);
            validity.ScoreMissing(scan, map.Data);
            squared += validity.SquaredShortfall(scan);
        }
        return new Prediction((float)Math.Sqrt(squared), map);
    }

    public void Save(ModelWriter writer)
    {
        if (_occupied.Length == 0) throw new InvalidOperationException($"{MethodId} is not fitted.");
        var p = writer.Parameters;
        p["height"] = _height; p["width"] = _width; p["scans"] = _scans; p["resolution"] = Resolution;
        writer.AddArray("box_min", _min, 3);
        writer.AddArray("box_size", _size, 3);
        writer.AddArray("occupied", _occupied, Resolution, Resolution, Resolution);
        writer.AddArray("pixel_xy", _pixelXy, _height, _width, 2);
        if (_legacy) writer.AddArray("pixel_seen", _pixelValid.Select(c => (byte)(c > 0 ? 1 : 0)).ToArray(), _height, _width);
        else writer.AddArray("pixel_valid_count", _pixelValid, _height, _width);
    }

    internal static VoxelVariationDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        var d = new VoxelVariationDetector
        {
            _height = reader.Int("height"),
            _width = reader.Int("width"),
            _scans = reader.Int("scans"),
            Resolution = reader.Int("resolution"),
            _min = reader.ReadFloats("box_min"),
            _size = reader.ReadFloats("box_size"),
            _occupied = reader.ReadInts("occupied"),
            _pixelXy = reader.ReadFloats("pixel_xy"),
        };
        if (reader.HasArray("pixel_valid_count")) d._pixelValid = reader.ReadInts("pixel_valid_count");
        else
        {
            // Written before invalid-pixel scoring: only whether each pixel was ever seen.
            d._pixelValid = reader.ReadBytes("pixel_seen").Select(b => b != 0 ? 1 : 0).ToArray();
            d._legacy = true;
        }
        int n = d._height * d._width, g = d.Resolution;
        if (d._occupied.Length != g * g * g || d._pixelXy.Length != 2 * n || d._pixelValid.Length != n || d._scans < 2 || d._min.Length != 3 || d._size.Length != 3)
            throw reader.Error("voxel-vm arrays do not match its parameters.");
        return d;
    }
}
