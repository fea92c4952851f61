namespace Inspecta.Detectors.TextureGmm;

/// <summary>One candidate of a BIC model selection: component count, log-likelihood of the data, BIC.</summary>
public readonly record struct MixtureCandidate(int Components, double LogLikelihood, double Bic);

/// <summary>Fits <see cref="GaussianMixture"/>s by EM and picks the component count by BIC.</summary>
public static class GaussianMixtureFitter
{
    /// <summary>Ridge added to every covariance, relative to the mean per-dimension variance of the data.</summary>
    public const double RelativeRegularization = 1e-3;
    public const int MaxIterations = 60;
    /// <summary>EM stops when the mean log-likelihood per sample improves by less than this.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Fits every candidate count and returns the one with the lowest BIC = −2 log L + p · ln N.</summary>
    public static (GaussianMixture Best, IReadOnlyList<MixtureCandidate> Candidates) SelectByBic(
        float[] data, int dimension, IReadOnlyList<int> componentCandidates, int seed, CancellationToken ct = default)
    {
        int n = data.Length / dimension;
        GaussianMixture? best = null;
        double bestBic = double.PositiveInfinity;
        var table = new List<MixtureCandidate>();
        foreach (int k in componentCandidates)
        {
            if (k > n) continue;
            var (mixture, logLik) = Fit(data, dimension, k, seed, ct);
            double bic = -2 * logLik + mixture.ParameterCount * Math.Log(n);
            table.Add(new MixtureCandidate(k, logLik, bic));
            if (bic < bestBic) { bestBic = bic; best = mixture; }
        }
        return (best ?? throw new InvalidOperationException("No component count fits the number of samples."), table);
    }

    /// <summary>EM for a fixed number of components; returns the mixture and the total log-likelihood.</summary>
    public static (GaussianMixture Mixture, double LogLikelihood) Fit(float[] data, int dimension, int components, int seed, CancellationToken ct = default)
    {
        int n = data.Length / dimension, d = dimension, k = components;
        if (n < 2 || data.Length != n * d) throw new ArgumentException($"Need at least 2 samples of dimension {d}.", nameof(data));
        double ridge = RelativeRegularization * MeanVariance(data, n, d) + 1e-9;

        // Seed: k-means++ and Lloyd steps; the hard assignments are the first responsibilities.
        var assignment = Search.KMeans.Fit(data, d, k, seed, maxIterations: 10, ct).Assignment;
        var resp = new double[n * k];
        for (int i = 0; i < n; i++) resp[i * k + assignment[i]] = 1;

        GaussianMixture mixture = MStep(data, n, d, k, resp, ridge);
        double previous = double.NegativeInfinity, logLik = 0;
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            ct.ThrowIfCancellationRequested();
            logLik = EStep(mixture, data, n, d, resp);
            if (logLik / n - previous / n < Tolerance) break;
            previous = logLik;
            mixture = MStep(data, n, d, k, resp, ridge);
        }
        return (mixture, logLik);
    }

    private static double MeanVariance(float[] data, int n, int d)
    {
        double total = 0;
        for (int j = 0; j < d; j++)
        {
            double s = 0, s2 = 0;
            for (int i = 0; i < n; i++) { double v = data[i * d + j]; s += v; s2 += v * v; }
            double m = s / n;
            total += Math.Max(0, s2 / n - m * m);
        }
        return total / d;
    }

    /// <summary>Responsibilities in place; returns the total log-likelihood.</summary>
    private static double EStep(GaussianMixture mixture, float[] data, int n, int d, double[] resp)
    {
        int k = mixture.Components;
        const int Chunk = 256;
        int chunks = (n + Chunk - 1) / Chunk;
        var partial = new double[chunks];
        Parallel.For(0, chunks, ch =>
        {
            Span<double> terms = stackalloc double[k];
            Span<float> y = stackalloc float[d];
            double sum = 0;
            for (int i = ch * Chunk; i < Math.Min(n, (ch + 1) * Chunk); i++)
            {
                mixture.ComponentLogDensities(data.AsSpan(i * d, d), terms, y);
                double lse = GaussianMixture.LogSumExp(terms);
                sum += lse;
                for (int c = 0; c < k; c++) resp[i * k + c] = Math.Exp(terms[c] - lse);
            }
            partial[ch] = sum;
        });
        double total = 0;
        foreach (double p in partial) total += p;
        return total;
    }

    private static GaussianMixture MStep(float[] data, int n, int d, int k, double[] resp, double ridge)
    {
        var weights = new double[k];
        var means = new double[k * d];
        var covariances = new double[k * d * d];
        Parallel.For(0, k, c =>
        {
            double nk = 0;
            var mean = means.AsSpan(c * d, d);
            for (int i = 0; i < n; i++)
            {
                double r = resp[i * k + c];
                if (r == 0) continue;
                nk += r;
                for (int j = 0; j < d; j++) mean[j] += r * data[i * d + j];
            }
            var cov = covariances.AsSpan(c * d * d, d * d);
            if (nk < 1e-6)
            {
                // A starved component: park it on the data mean with a broad covariance and a tiny weight.
                nk = 1e-6;
                mean.Clear();
                for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
                for (int j = 0; j < d; j++) cov[j * d + j] = 1;
                weights[c] = nk / n;
                return;
            }
            for (int j = 0; j < d; j++) mean[j] /= nk;
            var diff = new double[d];
            for (int i = 0; i < n; i++)
            {
                double r = resp[i * k + c];
                if (r < 1e-12) continue;
                for (int j = 0; j < d; j++) diff[j] = data[i * d + j] - mean[j];
                for (int a = 0; a < d; a++)
                {
                    double ra = r * diff[a];
                    var row = cov.Slice(a * d, d);
                    for (int b = a; b < d; b++) row[b] += ra * diff[b];
                }
            }
            for (int a = 0; a < d; a++)
            {
                for (int b = a; b < d; b++) { cov[a * d + b] /= nk; cov[b * d + a] = cov[a * d + b]; }
                cov[a * d + a] += ridge;
            }
            weights[c] = nk / n;
        });
        double total = weights.Sum();
        for (int c = 0; c < k; c++) weights[c] /= total;
        return new GaussianMixture(weights, means, covariances, d);
    }
}
