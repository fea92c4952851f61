using Inspecta.Geometry.Meshes;
using Inspecta.Imaging;
using Inspecta.Synthesis.TwoD;

namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>
/// Renders a scene as a structured-light sensor sees it: a fixed pinhole camera ray-casts the height
/// field on the plane to an organised xyz image (metres, float32), shades an RGB image from the surface
/// normals and albedo, adds sensor noise, and drops measurements (xyz = 0) at depth discontinuities and
/// grazing surfaces, as real scanners do.
/// </summary>
public static class ScanRenderer
{
    public sealed record Result(ImageF Rgb, ImageF Xyz, bool[] Valid);

    private const float MarchStep = 0.0004f, MarchRange = 0.045f;

    public static Result Render(ScanScene scene, ScanObjectClass obj, ScanDefect? defect, ScanSensorNoise sensor)
    {
        int n = scene.Size;
        var noise = new GradientNoise(new SynthRandom(scene.TextureSeed));
        float f = scene.Focal, half = n / 2f;
        var pos = new float[3 * n * n];      // noise-free hit points
        var height = new float[n * n];       // height above the plane at the hit (0 = plane)
        float reach = (obj.Extent + 0.01f) * scene.Scale;

        float HeightAt(float x, float y)
        {
            var (ox, oy) = scene.ToObject(x, y);
            if (ox * ox + oy * oy > obj.Extent * obj.Extent) return 0;
            float h = obj.Height(ox, oy, noise);
            if (defect is not null) h = defect.ModifyHeight(ox, oy, h);
            return h * scene.Scale;
        }

        Parallel.For(0, n, v =>
        {
            for (int u = 0; u < n; u++)
            {
                float dx = (u + 0.5f - half) / f, dy = (v + 0.5f - half) / f;
                float zPlane = scene.PlaneDistance / (1 - scene.TiltX * dx - scene.TiltY * dy);
                float hitZ = zPlane, h = 0;
                float px = dx * zPlane - scene.ObjectX, py = dy * zPlane - scene.ObjectY;
                if (px * px + py * py < reach * reach)
                {
                    // March from above the tallest object towards the plane, then bisect the crossing.
                    float Gap(float z) => z - (scene.PlaneDepth(dx * z, dy * z) - HeightAt(dx * z, dy * z));
                    float a = zPlane - MarchRange;
                    for (float z = a + MarchStep; z <= zPlane; z += MarchStep)
                    {
                        if (Gap(z) >= 0)
                        {
                            float lo = z - MarchStep, hi = z;
                            for (int k = 0; k < 18; k++) { float mid = 0.5f * (lo + hi); if (Gap(mid) >= 0) hi = mid; else lo = mid; }
                            hitZ = hi;
                            break;
                        }
                    }
                    h = HeightAt(dx * hitZ, dy * hitZ);
                }
                int i = v * n + u;
                pos[3 * i] = dx * hitZ; pos[3 * i + 1] = dy * hitZ; pos[3 * i + 2] = hitZ;
                height[i] = h;
            }
        });

        var rgb = new ImageF(3, n, n);
        var xyz = new ImageF(3, n, n);
        var valid = new bool[n * n];
        int plane = n * n;
        float pixelSize = scene.PlaneDistance / f / scene.Scale;
        Parallel.For(0, n, v =>
        {
            for (int u = 0; u < n; u++)
            {
                int i = v * n + u;
                var p = new Vec3(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
                var normal = Normal(pos, n, u, v);
                // Structured light loses depth at jumps (shadowed stripes) and on grazing surfaces.
                float jump = 0;
                if (u > 0) jump = MathF.Max(jump, MathF.Abs(p.Z - pos[3 * (i - 1) + 2]));
                if (u < n - 1) jump = MathF.Max(jump, MathF.Abs(p.Z - pos[3 * (i + 1) + 2]));
                if (v > 0) jump = MathF.Max(jump, MathF.Abs(p.Z - pos[3 * (i - n) + 2]));
                if (v < n - 1) jump = MathF.Max(jump, MathF.Abs(p.Z - pos[3 * (i + n) + 2]));
                float grazing = -normal.Z;
                bool ok = !(jump > 0.0015f && sensor.Dropout[i] < 0.8f) && !(grazing < 0.3f && sensor.Dropout[i] < 0.6f) && sensor.Dropout[i] >= 0.002f;
                valid[i] = ok;
                if (ok)
                {
                    float z = p.Z + sensor.Depth[i];
                    float k = z / p.Z;
                    xyz.Data[i] = p.X * k; xyz.Data[plane + i] = p.Y * k; xyz.Data[2 * plane + i] = z;
                }
                // Colour: object albedo (with stain) or the plane's, Lambert + ambient shading.
                Rgb albedo;
                if (height[i] > 0)
                {
                    var (ox, oy) = scene.ToObject(p.X, p.Y);
                    albedo = obj.Albedo(ox, oy, noise);
                    if (defect is not null)
                    {
                        float stain = defect.StainCoverage(ox, oy, noise, pixelSize);
                        if (stain > 0) albedo = Rgb.Lerp(albedo, ScanDefect.StainColor, 0.9f * stain);
                    }
                }
                else albedo = Rgb.Gray(0.42f + 0.03f * noise.Fbm(p.X * 300, p.Y * 300, 2));
                float diffuse = MathF.Max(0, Vec3.Dot(normal, scene.Light));
                float shade = 0.3f + 0.8f * diffuse;
                for (int c = 0; c < 3; c++)
                {
                    float value = albedo[c] * shade + sensor.Color[c * plane + i];
                    rgb.Data[c * plane + i] = MathF.Round(Math.Clamp(value, 0f, 1f) * 255f) / 255f;
                }
            }
        });
        return new Result(rgb, xyz, valid);
    }

    /// <summary>Surface normal from central differences of the noise-free hit points, facing the camera.</summary>
    private static Vec3 Normal(float[] pos, int n, int u, int v)
    {
        int l = v * n + Math.Max(0, u - 1), r = v * n + Math.Min(n - 1, u + 1);
        int t = Math.Max(0, v - 1) * n + u, b = Math.Min(n - 1, v + 1) * n + u;
        var du = new Vec3(pos[3 * r] - pos[3 * l], pos[3 * r + 1] - pos[3 * l + 1], pos[3 * r + 2] - pos[3 * l + 2]);
        var dv = new Vec3(pos[3 * b] - pos[3 * t], pos[3 * b + 1] - pos[3 * t + 1], pos[3 * b + 2] - pos[3 * t + 2]);
        var normal = Vec3.Cross(du, dv).Normalized();
        return normal.Z > 0 ? -normal : normal;
    }
}
