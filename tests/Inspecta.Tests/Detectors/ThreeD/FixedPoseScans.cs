using Inspecta.Imaging;

namespace Inspecta.Tests.Detectors.ThreeD;

/// <summary>
/// MVTec 3D-AD-layout scans of a dome on a plane in a fixed pose (what the variation models assume), 48×48 pixels,
/// depth noise σ = 0.1 mm, a few invalid (zero) pixels; test defects are Gaussian bumps or dents of 2 mm on the dome,
/// ground truth = pixels whose depth the defect changed by more than 0.3 mm.
/// </summary>
internal static class FixedPoseScans
{
    public const int Size = 48;

    public static string Write(string root, string category = "dome", int train = 12, int testGood = 4, int testPerDefect = 4)
    {
        var rng = new Random(7);
        void One(string split, string label, int index, float defectSign)
        {
            string dir = Path.Combine(root, category, split, label);
            foreach (string sub in (string[])["rgb", "xyz", "gt"]) Directory.CreateDirectory(Path.Combine(dir, sub));
            var xyz = new ImageF(3, Size, Size);
            var gt = new Mask(Size, Size);
            int plane = Size * Size;
            float cx = 0, cy = 0;
            if (defectSign != 0) { double a = rng.NextDouble() * Math.Tau, r = rng.NextDouble() * 0.006; cx = (float)(r * Math.Cos(a)); cy = (float)(r * Math.Sin(a)); }
            for (int v = 0; v < Size; v++)
                for (int u = 0; u < Size; u++)
                {
                    int p = v * Size + u;
                    float x = (u - Size / 2) * 0.001f, y = (v - Size / 2) * 0.001f;
                    float r2 = x * x + y * y;
                    float dome = r2 < 0.015f * 0.015f ? MathF.Sqrt(0.015f * 0.015f - r2) : 0;
                    float change = 0;
                    if (defectSign != 0)
                    {
                        float d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                        change = defectSign * 0.002f * MathF.Exp(-d2 / (2 * 0.002f * 0.002f));
                        if (MathF.Abs(change) > 0.0003f) gt.Data[p] = 255;
                    }
                    float noise = (float)(0.0001 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(Math.Tau * rng.NextDouble()));
                    bool invalid = rng.NextDouble() < 0.01;
                    xyz.Data[p] = invalid ? 0 : x;
                    xyz.Data[plane + p] = invalid ? 0 : y;
                    xyz.Data[2 * plane + p] = invalid ? 0 : 0.5f - dome - change + noise;
                }
            string id = index.ToString("000", System.Globalization.CultureInfo.InvariantCulture);
            var rgb = new ImageF(3, Size, Size);
            Array.Fill(rgb.Data, 0.5f);
            ImageIO.WritePng(Path.Combine(dir, "rgb", id + ".png"), rgb);
            ImageIO.WriteTiff(Path.Combine(dir, "xyz", id + ".tiff"), xyz);
            ImageIO.WritePng(Path.Combine(dir, "gt", id + ".png"), gt);
        }
        for (int i = 0; i < train; i++) One("train", "good", i, 0);
        for (int i = 0; i < 2; i++) One("validation", "good", i, 0);
        for (int i = 0; i < testGood; i++) One("test", "good", i, 0);
        for (int i = 0; i < testPerDefect; i++) { One("test", "bump", i, 1); One("test", "dent", i, -1); }
        return root;
    }
}
