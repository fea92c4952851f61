namespace Inspecta.Torch.Nn.Flows;

/// <summary>
/// The 2D sinusoidal positional encoding CFLOW-AD conditions its flows on: P channels (a multiple of 4), the first P/2
/// encode the column x and the last P/2 the row y, each as sin/cos pairs of frequencies 10000^(−2i/(P/2)) —
/// the transformer's encoding applied per axis. Returned as a P×H×W row-major array.
/// </summary>
public static class PositionalEncoding
{
    public static float[] Create(int channels, int height, int width)
    {
        if (channels < 4 || channels % 4 != 0) throw new ArgumentOutOfRangeException(nameof(channels), "Positional encodings need a multiple of 4 channels.");
        int half = channels / 2, plane = height * width;
        var data = new float[channels * plane];
        for (int i = 0; i < half / 2; i++)
        {
            double frequency = Math.Exp(-Math.Log(10000.0) * 2 * i / half);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int at = y * width + x;
                    data[(2 * i) * plane + at] = (float)Math.Sin(x * frequency);
                    data[(2 * i + 1) * plane + at] = (float)Math.Cos(x * frequency);
                    data[(half + 2 * i) * plane + at] = (float)Math.Sin(y * frequency);
                    data[(half + 2 * i + 1) * plane + at] = (float)Math.Cos(y * frequency);
                }
        }
        return data;
    }
}
