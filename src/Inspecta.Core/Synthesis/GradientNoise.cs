namespace Inspecta.Synthesis;

/// <summary>
/// Seeded 2D/3D gradient (Perlin-style) noise and fractal sums of it: the structured randomness behind
/// synthetic textures (marble, leather, wood), stain outlines and surface roughness.
/// </summary>
public sealed class GradientNoise
{
    private readonly byte[] _perm = new byte[512];

    public GradientNoise(SynthRandom rng)
    {
        Span<byte> p = stackalloc byte[256];
        for (int i = 0; i < 256; i++) p[i] = (byte)i;
        for (int i = 255; i > 0; i--) { int j = rng.Next(0, i + 1); (p[i], p[j]) = (p[j], p[i]); }
        for (int i = 0; i < 512; i++) _perm[i] = p[i & 255];
    }

    /// <summary>Noise in roughly [-1, 1] at (x, y); unit lattice spacing.</summary>
    public float Sample(float x, float y)
    {
        int xi = (int)MathF.Floor(x), yi = (int)MathF.Floor(y);
        float xf = x - xi, yf = y - yi;
        int X = xi & 255, Y = yi & 255;
        float u = Fade(xf), v = Fade(yf);
        int aa = _perm[_perm[X] + Y], ab = _perm[_perm[X] + Y + 1], ba = _perm[_perm[X + 1] + Y], bb = _perm[_perm[X + 1] + Y + 1];
        float x1 = Lerp(Grad2(aa, xf, yf), Grad2(ba, xf - 1, yf), u);
        float x2 = Lerp(Grad2(ab, xf, yf - 1), Grad2(bb, xf - 1, yf - 1), u);
        return Lerp(x1, x2, v) * 1.41f;
    }

    /// <summary>3D noise in roughly [-1, 1].</summary>
    public float Sample(float x, float y, float z)
    {
        int xi = (int)MathF.Floor(x), yi = (int)MathF.Floor(y), zi = (int)MathF.Floor(z);
        float xf = x - xi, yf = y - yi, zf = z - zi;
        int X = xi & 255, Y = yi & 255, Z = zi & 255;
        float u = Fade(xf), v = Fade(yf), w = Fade(zf);
        int a = _perm[X] + Y, aa = _perm[a] + Z, ab = _perm[a + 1] + Z;
        int b = _perm[X + 1] + Y, ba = _perm[b] + Z, bb = _perm[b + 1] + Z;
        float r = Lerp(
            Lerp(Lerp(Grad3(_perm[aa], xf, yf, zf), Grad3(_perm[ba], xf - 1, yf, zf), u),
                 Lerp(Grad3(_perm[ab], xf, yf - 1, zf), Grad3(_perm[bb], xf - 1, yf - 1, zf), u), v),
            Lerp(Lerp(Grad3(_perm[aa + 1], xf, yf, zf - 1), Grad3(_perm[ba + 1], xf - 1, yf, zf - 1), u),
                 Lerp(Grad3(_perm[ab + 1], xf, yf - 1, zf - 1), Grad3(_perm[bb + 1], xf - 1, yf - 1, zf - 1), u), v), w);
        return r;
    }

    /// <summary>Fractal Brownian motion: <paramref name="octaves"/> octaves, each at double frequency and half amplitude.</summary>
    public float Fbm(float x, float y, int octaves)
    {
        float sum = 0, amp = 0.5f, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            sum += amp * Sample(x, y);
            norm += amp;
            x = x * 2.03f + 17.1f; y = y * 2.03f - 9.7f;
            amp *= 0.5f;
        }
        return sum / norm;
    }

    public float Fbm(float x, float y, float z, int octaves)
    {
        float sum = 0, amp = 0.5f, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            sum += amp * Sample(x, y, z);
            norm += amp;
            x = x * 2.03f + 17.1f; y = y * 2.03f - 9.7f; z = z * 2.03f + 3.3f;
            amp *= 0.5f;
        }
        return sum / norm;
    }

    private static float Fade(float t) => t * t * t * (t * (t * 6 - 15) + 10);
    private static float Lerp(float a, float b, float t) => a + (b - a) * t;

    private static float Grad2(int hash, float x, float y) => (hash & 7) switch
    {
        0 => x + y, 1 => -x + y, 2 => x - y, 3 => -x - y,
        4 => x, 5 => -x, 6 => y, _ => -y,
    };

    private static float Grad3(int hash, float x, float y, float z)
    {
        int h = hash & 15;
        float u = h < 8 ? x : y;
        float v = h < 4 ? y : h is 12 or 14 ? x : z;
        return ((h & 1) == 0 ? u : -u) + ((h & 2) == 0 ? v : -v);
    }
}
