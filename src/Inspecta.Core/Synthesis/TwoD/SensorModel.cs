using Inspecta.Imaging;

namespace Inspecta.Synthesis.TwoD;

/// <summary>
/// Turns an albedo image into what the camera records: lighting, Gaussian sensor noise and 8-bit
/// quantisation. The noise field is drawn once per sample and applied to the clean and the defective
/// rendering alike, so they differ exactly where the defect is.
/// </summary>
public sealed class SensorModel
{
    private readonly float[] _noise;
    private readonly Illumination _light;

    public SensorModel(Illumination light, int channels, int size, SynthRandom rng)
    {
        _light = light;
        float sigma = rng.Range(0.008f, 0.02f);
        _noise = new float[channels * size * size];
        for (int i = 0; i < _noise.Length; i++) _noise[i] = sigma * rng.Gaussian();
    }

    public ImageF Capture(ImageF albedo)
    {
        var output = new ImageF(albedo.Channels, albedo.Height, albedo.Width);
        int n = albedo.Width, plane = albedo.PlaneSize;
        for (int ch = 0; ch < albedo.Channels; ch++)
            for (int y = 0; y < albedo.Height; y++)
            {
                float v = (y + 0.5f) / albedo.Height;
                for (int x = 0; x < n; x++)
                {
                    int i = ch * plane + y * n + x;
                    float value = albedo.Data[i] * _light.Factor((x + 0.5f) / n, v) + _noise[i];
                    output.Data[i] = MathF.Round(Math.Clamp(value, 0f, 1f) * 255f) / 255f;
                }
            }
        return output;
    }
}
