using MathNet.Numerics.LinearAlgebra;

namespace Inspecta.Detectors.Components;

/// <summary>
/// PCA projection: the mean and the leading eigenvectors of the sample covariance that together
/// explain at least the requested fraction of the variance. Project(x) = C·(x − mean).
/// </summary>
public sealed class PrincipalComponents
{
    public int InputDimension { get; }
    public int OutputDimension { get; }
    /// <summary>Mean of the training vectors, length D.</summary>
    public float[] Mean { get; }
    /// <summary>Components as rows, M × D row-major.</summary>
    public float[] Components { get; }

    public PrincipalComponents(float[] mean, float[] components, int inputDimension)
    {
        if (mean.Length != inputDimension || components.Length == 0 || components.Length % inputDimension != 0)
            throw new ArgumentException("PCA arrays do not match the input dimension.");
        InputDimension = inputDimension; OutputDimension = components.Length / inputDimension;
        Mean = mean; Components = components;
    }

    /// <summary>Fits on N × D row-major samples, keeping the fewest components reaching <paramref name="varianceFraction"/>.</summary>
    public static PrincipalComponents Fit(float[] data, int dimension, double varianceFraction)
    {
        int n = data.Length / dimension, d = dimension;
        if (n < 2) throw new ArgumentException("PCA needs at least 2 samples.", nameof(data));
        if (!(varianceFraction > 0 && varianceFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(varianceFraction));
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        var centred = new double[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) centred[i * d + j] = data[i * d + j] - mean[j];
        var x = Matrix<double>.Build.DenseOfRowMajor(n, d, centred);
        var covariance = x.TransposeThisAndMultiply(x) / (n - 1);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(v => Math.Max(0, v.Real)).ToArray();
        var order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).ToArray();
        double total = values.Sum();
        int keep = 0;
        double acc = 0;
        while (keep < d && (total <= 0 ? keep < 1 : acc < varianceFraction * total - 1e-12 * total))
            acc += values[order[keep++]];
        keep = Math.Max(keep, 1);
        var components = new float[keep * d];
        for (int m = 0; m < keep; m++)
        {
            var v = evd.EigenVectors.Column(order[m]);
            // Deterministic sign: largest-magnitude entry positive.
            int arg = 0;
            for (int j = 1; j < d; j++) if (Math.Abs(v[j]) > Math.Abs(v[arg])) arg = j;
            double sign = v[arg] < 0 ? -1 : 1;
            for (int j = 0; j < d; j++) components[m * d + j] = (float)(sign * v[j]);
        }
        return new PrincipalComponents(mean.Select(v => (float)v).ToArray(), components, d);
    }

    /// <summary>Projects one vector into <paramref name="output"/> (length M); <paramref name="scratch"/> has length D.</summary>
    public void Project(ReadOnlySpan<float> x, Span<float> output, Span<float> scratch)
    {
        System.Numerics.Tensors.TensorPrimitives.Subtract(x, Mean, scratch);
        for (int m = 0; m < OutputDimension; m++)
            output[m] = System.Numerics.Tensors.TensorPrimitives.Dot(Components.AsSpan(m * InputDimension, InputDimension), scratch);
    }

    /// <summary>Projects N × D rows into a new N × M array.</summary>
    public float[] ProjectAll(float[] data)
    {
        int n = data.Length / InputDimension;
        var output = new float[n * OutputDimension];
        Parallel.For(0, n, () => new float[InputDimension], (i, _, scratch) =>
        {
            Project(data.AsSpan(i * InputDimension, InputDimension), output.AsSpan(i * OutputDimension, OutputDimension), scratch);
            return scratch;
        }, _ => { });
        return output;
    }
}
