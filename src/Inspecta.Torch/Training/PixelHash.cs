namespace Inspecta.Torch.Training;

/// <summary>
/// FNV-1a over the float bits of every <c>step</c>-th value: a key for a training sample or batch drawn by
/// <see cref="TrainingImages"/>. Since every drawn sample is a pure function of (seed, epoch, index), randomness seeded by
/// it (DRAEM's simulated anomalies, CFLOW's fibre order) is too — a resumed fit repeats it, whatever the thread count.
/// </summary>
public static class PixelHash
{
    public static ulong Of(ReadOnlySpan<float> values, int step = 7)
    {
        ulong h = 0xCBF29CE484222325UL;
        for (int i = 0; i < values.Length; i += step)
        {
            h ^= (uint)BitConverter.SingleToInt32Bits(values[i]);
            h *= 0x100000001B3UL;
        }
        return h;
    }
}
