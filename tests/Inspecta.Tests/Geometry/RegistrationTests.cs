using System.Numerics;
using Inspecta.Geometry;
using Inspecta.Geometry.Features;
using Inspecta.Geometry.Registration;

namespace Inspecta.Tests.Geometry;

public class RegistrationTests
{
    [Fact]
    public void RansacPlaneFindsTheBackgroundDespiteOutliers()
    {
        var rnd = new Random(4);
        var normal = Vector3.Normalize(new Vector3(0.1f, -0.2f, 1f));
        const float d = -0.7f;
        var pts = new List<float>();
        var truth = new List<int>();
        for (int i = 0; i < 5000; i++)
        {
            float x = (float)rnd.NextDouble() * 2 - 1, y = (float)rnd.NextDouble() * 2 - 1;
            if (i % 10 < 7)
            {
                float z = (-d - normal.X * x - normal.Y * y) / normal.Z + ((float)rnd.NextDouble() - 0.5f) * 0.002f;
                pts.AddRange([x, y, z]); truth.Add(i);
            }
            else pts.AddRange([x, y, 0.7f + 0.5f + (float)rnd.NextDouble()]); // an object above the plane
        }
        var fit = PlaneFit.Ransac(pts.ToArray(), 0.005f, seed: 1);
        float sign = MathF.Sign(Vector3.Dot(fit.Plane.Normal, normal));
        Assert.True(Vector3.Dot(fit.Plane.Normal * sign, normal) > 0.99999f);
        Assert.Equal(d, fit.Plane.D * sign, 3);
        Assert.Equal(truth, fit.Inliers);
    }

    private static PointCloud Object(int n, int seed)
    {
        // A wavy sheet with a bump: enough asymmetric geometry for registration.
        var cloud = FeatureTests.WavySurface(n, seed);
        for (int i = 0; i < n; i++)
        {
            float x = cloud.Positions[3 * i], y = cloud.Positions[3 * i + 1];
            float r2 = (x - 0.3f) * (x - 0.3f) + (y - 0.6f) * (y - 0.6f);
            cloud.Positions[3 * i + 2] += 0.15f * MathF.Exp(-r2 / 0.01f);
        }
        cloud.Normals = NormalEstimation.Estimate(cloud, Neighbourhood.WithinRadius(0.05f), new Vector3(0.5f, 0.5f, 5f));
        return cloud;
    }

    [Theory]
    [InlineData(IcpMethod.PointToPoint)]
    [InlineData(IcpMethod.PointToPlane)]
    public void IcpRecoversASmallKnownMotion(IcpMethod method)
    {
        var target = Object(4000, 1);
        var truth = RigidTransform.FromEuler(0.05, -0.04, 0.08, 0.02, -0.01, 0.015);
        // Point-to-plane copes with a different sampling of the surface; point-to-point needs the same points to be exact.
        var source = truth.Inverse().Apply(method == IcpMethod.PointToPlane ? Object(3000, 2) : target.Select(Enumerable.Range(0, 3000).Select(i => i * 4 / 3).ToArray()));
        var result = Icp.Register(source, target, new IcpOptions { MaxCorrespondenceDistance = 0.1f, Method = method, MaxIterations = 80 });
        Assert.True(result.Transform.RotationAngleTo(truth) < 0.005, $"rotation error {result.Transform.RotationAngleTo(truth)}; {result}");
        Assert.True(result.Transform.TranslationDistanceTo(truth) < 0.005, $"translation error {result.Transform.TranslationDistanceTo(truth)}");
        Assert.True(result.Fitness > 0.95);
        Assert.True(result.InlierRmse < 0.02);
    }

    [Fact]
    public void KabschIsExactOnNoiselessCorrespondences()
    {
        var rnd = new Random(9);
        var src = Enumerable.Range(0, 60).Select(_ => (float)rnd.NextDouble()).ToArray();
        var truth = RigidTransform.FromQuaternion(Quaternion.CreateFromYawPitchRoll(2.5f, -0.7f, 1.9f), new Vector3(3, 4, -5));
        var moved = truth.Apply(new PointCloud(src)).Positions;
        var idx = Enumerable.Range(0, 20).ToArray();
        var fit = RigidFit.PointToPoint(src, idx, moved, idx);
        Assert.True(fit.RotationAngleTo(truth) < 1e-5);
        Assert.True(fit.TranslationDistanceTo(truth) < 1e-5);
        var roundTrip = truth.Inverse().After(truth);
        Assert.True(roundTrip.RotationAngleTo(RigidTransform.Identity) < 1e-6 && roundTrip.TranslationDistanceTo(RigidTransform.Identity) < 1e-6);
    }

    [Fact]
    public void FpfhRansacRegistersALargeUnknownMotion()
    {
        var target = Object(3000, 5);
        var truth = RigidTransform.FromEuler(0.9, -0.5, 2.2, 1.5, -0.7, 0.4);
        var source = truth.Inverse().Apply(Object(2500, 6));
        const float radius = 0.12f;
        var fs = Fpfh.Compute(source, radius);
        var ft = Fpfh.Compute(target, radius);
        var result = GlobalRegistration.Ransac(source, target, fs, ft, Fpfh.Dimensions,
            new GlobalRegistrationOptions { MaxCorrespondenceDistance = 0.03f, Seed = 3, MutualFilter = false });
        Assert.True(result.Transform.RotationAngleTo(truth) < 0.02, $"rotation error {result.Transform.RotationAngleTo(truth)}; {result}");
        Assert.True(result.Transform.TranslationDistanceTo(truth) < 0.02, $"translation error {result.Transform.TranslationDistanceTo(truth)}");
        Assert.True(result.Fitness > 0.9);
    }
}
