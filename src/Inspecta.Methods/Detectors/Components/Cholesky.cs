using System.Numerics.Tensors;

namespace Inspecta.Detectors.Components;

/// <summary>Dense Cholesky factorisation for PaDiM's per-position covariances (row-major, lower triangle).</summary>
internal static class Cholesky
{
    /// <summary>Overwrites the lower triangle of the symmetric matrix <paramref name="a"/> (n × n, lower filled) with L, A = L·Lᵀ.</summary>
    public static bool FactorInPlace(Span<double> a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            var rowJ = a.Slice(j * n, j);
            double diag = a[j * n + j] - TensorPrimitives.Dot<double>(rowJ, rowJ);
            if (!(diag > 0)) return false;
            double ljj = Math.Sqrt(diag);
            a[j * n + j] = ljj;
            double inv = 1 / ljj;
            for (int i = j + 1; i < n; i++)
                a[i * n + j] = (a[i * n + j] - TensorPrimitives.Dot<double>(a.Slice(i * n, j), rowJ)) * inv;
        }
        return true;
    }

    /// <summary>Packs the lower triangle row by row into float32.</summary>
    public static void Pack(ReadOnlySpan<double> a, int n, Span<float> packed)
    {
        int k = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                packed[k++] = (float)a[i * n + j];
    }

    /// <summary>‖L⁻¹z‖² (the squared Mahalanobis distance when L is the covariance's factor); overwrites z with L⁻¹z.</summary>
    public static double SolveLowerSquaredNorm(ReadOnlySpan<float> packed, Span<float> z, int n)
    {
        double sum = 0;
        int rowStart = 0;
        for (int i = 0; i < n; i++)
        {
            var row = packed.Slice(rowStart, i + 1);
            float v = (float)((z[i] - (double)TensorPrimitives.Dot<float>(row[..i], z[..i])) / row[i]);
            z[i] = v;
            sum += (double)v * v;
            rowStart += i + 1;
        }
        return sum;
    }
}
