namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>
/// Per-pixel random fields of one scan (depth noise, colour noise, dropout draws). Drawn once per sample
/// and shared by the clean and the defective rendering, so the two differ only through the defect.
/// </summary>
public sealed class ScanSensorNoise
{
    public float[] Depth { get; }
    public float[] Color { get; }
    public float[] Dropout { get; }

    public ScanSensorNoise(int size, SynthRandom rng)
    {
        int n = size * size;
        Depth = new float[n]; Color = new float[3 * n]; Dropout = new float[n];
        float depthSigma = rng.Range(0.00008f, 0.0002f), colorSigma = rng.Range(0.006f, 0.015f);
        for (int i = 0; i < n; i++) Depth[i] = depthSigma * rng.Gaussian();
        for (int i = 0; i < 3 * n; i++) Color[i] = colorSigma * rng.Gaussian();
        for (int i = 0; i < n; i++) Dropout[i] = rng.NextFloat();
    }
}
