using System.Numerics;
using Inspecta.Geometry;
using Inspecta.Geometry.Features;
using Inspecta.Geometry.IO;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Geometry;

public class FeatureTests
{
    /// <summary>Random points on the smooth surface z = 0.3 sin(2x) cos(3y) over [0,1]², with analytic unit normals.</summary>
    internal static PointCloud WavySurface(int n, int seed)
    {
        var rnd = new Random(seed);
        var pos = new float[3 * n];
        var nrm = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            float x = (float)rnd.NextDouble(), y = (float)rnd.NextDouble();
            float z = 0.3f * MathF.Sin(2 * x) * MathF.Cos(3 * y);
            var normal = Vector3.Normalize(new Vector3(-0.6f * MathF.Cos(2 * x) * MathF.Cos(3 * y), 0.9f * MathF.Sin(2 * x) * MathF.Sin(3 * y), 1f));
            pos[3 * i] = x; pos[3 * i + 1] = y; pos[3 * i + 2] = z;
            nrm[3 * i] = normal.X; nrm[3 * i + 1] = normal.Y; nrm[3 * i + 2] = normal.Z;
        }
        return new PointCloud(pos) { Normals = nrm };
    }

    [Fact]
    public void PairFeaturesMatchTheHandComputedDarbouxFrame()
    {
        // Second normal is closer to the connecting line, so it becomes the source (θ = −n2·d).
        var (alpha, phi, theta) = Fpfh.PairFeatures(0, 0, 0, 0, 0, 1, 1, 0, 0, 0.6, 0, 0.8);
        Assert.Equal(Math.Atan2(0.6, 0.8), alpha, 12);
        Assert.Equal(0, phi, 12);
        Assert.Equal(-0.6, theta, 12);
        // No swap: first normal tilted towards the line.
        (alpha, phi, theta) = Fpfh.PairFeatures(0, 0, 0, 0.6, 0, 0.8, 1, 0, 0, 0, 0.6, 0.8);
        Assert.Equal(0.6, theta, 12);
        Assert.Equal(-0.6, phi, 12); // v = d × u = (0, −1, 0), φ = v·n2
        Assert.Equal(Math.Atan2(-0.48, 0.64), alpha, 12); // w = u × v = (0.8, 0, −0.6)
        Assert.Equal((0d, 0d, 0d), Fpfh.PairFeatures(1, 2, 3, 0, 0, 1, 1, 2, 3, 1, 0, 0)); // coincident
        Assert.Equal((0d, 0d, 0d), Fpfh.PairFeatures(0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 1)); // line along the normal
    }

    [Fact]
    public void OnAPlaneEveryPointSharesOneHistogram()
    {
        var rnd = new Random(2);
        int n = 2000;
        var pos = new float[3 * n];
        for (int i = 0; i < n; i++) { pos[3 * i] = (float)rnd.NextDouble() * 2; pos[3 * i + 1] = (float)rnd.NextDouble(); pos[3 * i + 2] = 0.5f; }
        var cloud = new PointCloud(pos);
        cloud.Normals = NormalEstimation.Estimate(cloud, Neighbourhood.WithinRadius(0.08f), viewpoint: new Vector3(0, 0, 10));
        for (int i = 0; i < n; i++) Assert.Equal(1f, cloud.Normals[3 * i + 2], 5);
        var f = Fpfh.Compute(cloud, 0.1f);
        var expected = new float[33];
        expected[5] = expected[16] = expected[27] = 200f;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 33; j++) Assert.Equal(expected[j], f[i * 33 + j], 3);
    }

    [Fact]
    public void GroupsSumTo200AndLonelyOrInvalidPointsAreMarked()
    {
        var cloud = WavySurface(3000, 7);
        var positions = cloud.Positions.Concat(new[] { 50f, 50f, 50f, float.NaN, 0f, 0f }).ToArray();
        var normals = cloud.Normals!.Concat(new[] { 0f, 0f, 1f, 0f, 0f, 1f }).ToArray();
        var withOutliers = new PointCloud(positions) { Normals = normals };
        var f = Fpfh.Compute(withOutliers, 0.06f, maxNeighbours: 40);
        int n = cloud.Count;
        for (int i = 0; i < n; i++)
            for (int g = 0; g < 3; g++)
            {
                float sum = 0;
                for (int t = 0; t < 11; t++) { float v = f[i * 33 + g * 11 + t]; Assert.True(v >= 0); sum += v; }
                Assert.Equal(200f, sum, 2);
            }
        Assert.All(f.AsSpan(n * 33, 33).ToArray(), v => Assert.Equal(0f, v));          // isolated point: zeros
        Assert.All(f.AsSpan((n + 1) * 33, 33).ToArray(), v => Assert.True(float.IsNaN(v))); // NaN point: NaN
    }

    [Fact]
    public void HistogramsAreRotationAndTranslationInvariant()
    {
        var cloud = WavySurface(4000, 11);
        var f1 = Fpfh.Compute(cloud, 0.07f);
        var rot = Quaternion.Normalize(new Quaternion(0.3f, -0.5f, 0.2f, 0.8f));
        var shift = new Vector3(3, -1, 2);
        var pos = new float[cloud.Positions.Length];
        var nrm = new float[pos.Length];
        for (int i = 0; i < cloud.Count; i++)
        {
            var p = Vector3.Transform(new Vector3(cloud.Positions.AsSpan(3 * i, 3)), rot) + shift;
            var nn = Vector3.Transform(new Vector3(cloud.Normals!.AsSpan(3 * i, 3)), rot);
            p.CopyTo(pos, 3 * i); nn.CopyTo(nrm, 3 * i);
        }
        var f2 = Fpfh.Compute(new PointCloud(pos) { Normals = nrm }, 0.07f);
        AssertMostlyEqual(f1, f2, cloud.Count);

        // Estimated normals (oriented towards a viewpoint that moves with the cloud) are invariant too.
        var vp = new Vector3(0.5f, 0.5f, 5f);
        var plain = new PointCloud(cloud.Positions);
        plain.Normals = NormalEstimation.Estimate(plain, Neighbourhood.WithinRadius(0.05f), vp);
        var moved = new PointCloud(pos);
        moved.Normals = NormalEstimation.Estimate(moved, Neighbourhood.WithinRadius(0.05f), Vector3.Transform(vp, rot) + shift);
        for (int i = 0; i < cloud.Count; i++)
        {
            var a = Vector3.Transform(new Vector3(plain.Normals.AsSpan(3 * i, 3)), rot);
            Assert.True(Vector3.Dot(a, new Vector3(moved.Normals.AsSpan(3 * i, 3))) > 0.9999f);
            // PCA normals of a smooth surface agree with the analytic ones.
            Assert.True(Vector3.Dot(new Vector3(plain.Normals.AsSpan(3 * i, 3)), new Vector3(cloud.Normals!.AsSpan(3 * i, 3))) > 0.99f);
        }
        AssertMostlyEqual(Fpfh.Compute(plain, 0.07f), Fpfh.Compute(moved, 0.07f), cloud.Count);
    }

    private static void AssertMostlyEqual(float[] a, float[] b, int n)
    {
        // Rounding of rotated coordinates may move a pair across a bin edge or the radius; almost all must agree exactly.
        int close = 0;
        for (int i = 0; i < n; i++)
        {
            float maxDiff = 0;
            for (int j = 0; j < 33; j++) maxDiff = MathF.Max(maxDiff, MathF.Abs(a[i * 33 + j] - b[i * 33 + j]));
            if (maxDiff < 0.01f) close++;
        }
        Assert.True(close >= n * 0.97, $"only {close} of {n} histograms unchanged");
    }

    [Fact]
    public void MatchesAStraightforwardReferenceImplementation()
    {
        var cloud = WavySurface(400, 3);
        const float r = 0.15f;
        const int maxNn = 25;
        var fast = Fpfh.Compute(cloud, r, maxNn);
        int n = cloud.Count;
        var P = Enumerable.Range(0, n).Select(i => new[] { (double)cloud.Positions[3 * i], cloud.Positions[3 * i + 1], cloud.Positions[3 * i + 2] }).ToArray();
        var N = Enumerable.Range(0, n).Select(i => new[] { (double)cloud.Normals![3 * i], cloud.Normals[3 * i + 1], cloud.Normals[3 * i + 2] }).ToArray();
        double D2(int a, int b) => Math.Pow((float)(P[a][0] - P[b][0]), 2) + Math.Pow((float)(P[a][1] - P[b][1]), 2) + Math.Pow((float)(P[a][2] - P[b][2]), 2);
        // Hybrid neighbourhood: max_nn nearest strictly inside the radius, self first.
        int[][] nbrs = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n)
            .Select(j => (j, d: (float)D2(i, j))).Where(t => t.d < r * r).OrderBy(t => t.d).ThenBy(t => t.j).Take(maxNn).Select(t => t.j).ToArray()).ToArray();
        var spfh = new double[n][];
        for (int i = 0; i < n; i++)
        {
            spfh[i] = new double[33];
            int m = nbrs[i].Length - 1;
            foreach (int j in nbrs[i].Skip(1))
            {
                var (a, p, t) = Fpfh.PairFeatures(P[i][0], P[i][1], P[i][2], N[i][0], N[i][1], N[i][2], P[j][0], P[j][1], P[j][2], N[j][0], N[j][1], N[j][2]);
                spfh[i][Math.Clamp((int)Math.Floor(11 * (a + Math.PI) / (2 * Math.PI)), 0, 10)] += 100.0 / m;
                spfh[i][11 + Math.Clamp((int)Math.Floor(11 * (p + 1) / 2), 0, 10)] += 100.0 / m;
                spfh[i][22 + Math.Clamp((int)Math.Floor(11 * (t + 1) / 2), 0, 10)] += 100.0 / m;
            }
        }
        for (int i = 0; i < n; i++)
        {
            var acc = new double[33];
            foreach (int j in nbrs[i].Skip(1))
            {
                double d2 = Math.Pow(P[i][0] - P[j][0], 2) + Math.Pow(P[i][1] - P[j][1], 2) + Math.Pow(P[i][2] - P[j][2], 2);
                if (d2 == 0) continue;
                for (int t = 0; t < 33; t++) acc[t] += spfh[j][t] / d2;
            }
            for (int g = 0; g < 3; g++)
            {
                double s = acc.Skip(g * 11).Take(11).Sum();
                for (int t = 0; t < 11; t++)
                {
                    double expected = (s == 0 ? 0 : acc[g * 11 + t] * 100 / s) + spfh[i][g * 11 + t];
                    Assert.Equal(expected, fast[i * 33 + g * 11 + t], 1e-3);
                }
            }
        }
    }

    [SharedFact("data", "pcl_testdata")]
    public void RealBunnyWithItsOwnNormalsGivesValidHistogramsAndEstimatedNormalsAgree()
    {
        var bunny = PointCloudIO.Read(SharedData.Path_("data", "pcl_testdata", "bun0.pcd"));
        var f = Fpfh.Compute(bunny, 0.02f, maxNeighbours: 100);
        int withNeighbours = 0;
        for (int i = 0; i < bunny.Count; i++)
        {
            float total = 0;
            for (int j = 0; j < 33; j++) { Assert.True(float.IsFinite(f[i * 33 + j]) && f[i * 33 + j] >= 0); total += f[i * 33 + j]; }
            if (total > 0) { withNeighbours++; Assert.Equal(600f, total, 1); }
        }
        Assert.True(withNeighbours > bunny.Count * 0.95);
        // PCA normals (sign aside) agree with the normals stored in the file for most points.
        var estimated = NormalEstimation.Estimate(bunny, Neighbourhood.WithinRadius(0.01f));
        int agree = 0;
        for (int i = 0; i < bunny.Count; i++)
            if (MathF.Abs(Vector3.Dot(new Vector3(estimated.AsSpan(3 * i, 3)), new Vector3(bunny.Normals!.AsSpan(3 * i, 3)))) > 0.9f) agree++;
        Assert.True(agree > bunny.Count * 0.8, $"{agree} of {bunny.Count}");
    }
}
