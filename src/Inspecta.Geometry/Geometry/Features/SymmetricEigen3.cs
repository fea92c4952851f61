namespace Inspecta.Geometry.Features;

/// <summary>Eigen-decomposition of a symmetric 3×3 matrix (closed form), in double precision.</summary>
internal static class SymmetricEigen3
{
    /// <summary>
    /// The eigenvector of the smallest eigenvalue of [[a00 a01 a02][a01 a11 a12][a02 a12 a22]] (unit length), and
    /// the eigenvalues ascending.
    /// </summary>
    public static (double X, double Y, double Z) SmallestEigenvector(double a00, double a01, double a02, double a11, double a12, double a22, out double l0, out double l1, out double l2)
    {
        // Scale to avoid over/underflow in the cubic.
        double scale = Math.Max(Math.Max(Math.Max(Math.Abs(a00), Math.Abs(a01)), Math.Max(Math.Abs(a02), Math.Abs(a11))), Math.Max(Math.Abs(a12), Math.Abs(a22)));
        if (scale == 0) { l0 = l1 = l2 = 0; return (0, 0, 1); }
        a00 /= scale; a01 /= scale; a02 /= scale; a11 /= scale; a12 /= scale; a22 /= scale;

        double p1 = a01 * a01 + a02 * a02 + a12 * a12;
        double q = (a00 + a11 + a22) / 3;
        double e0, e1, e2; // descending
        if (p1 <= 1e-30)
        {
            Span<double> d = [a00, a11, a22];
            d.Sort();
            e0 = d[2]; e1 = d[1]; e2 = d[0];
        }
        else
        {
            double b00 = a00 - q, b11 = a11 - q, b22 = a22 - q;
            double p2 = b00 * b00 + b11 * b11 + b22 * b22 + 2 * p1;
            double p = Math.Sqrt(p2 / 6);
            double det = b00 * (b11 * b22 - a12 * a12) - a01 * (a01 * b22 - a12 * a02) + a02 * (a01 * a12 - b11 * a02);
            double r = det / (2 * p * p * p);
            double phi = r <= -1 ? Math.PI / 3 : r >= 1 ? 0 : Math.Acos(r) / 3;
            e0 = q + 2 * p * Math.Cos(phi);
            e2 = q + 2 * p * Math.Cos(phi + 2 * Math.PI / 3);
            e1 = 3 * q - e0 - e2;
        }
        l0 = e2 * scale; l1 = e1 * scale; l2 = e0 * scale;

        // Rows of (A - λI) span the orthogonal complement of the eigenvector: take the largest cross product.
        double r0x = a00 - e2, r0y = a01, r0z = a02;
        double r1x = a01, r1y = a11 - e2, r1z = a12;
        double r2x = a02, r2y = a12, r2z = a22 - e2;
        var c01 = Cross(r0x, r0y, r0z, r1x, r1y, r1z);
        var c02 = Cross(r0x, r0y, r0z, r2x, r2y, r2z);
        var c12 = Cross(r1x, r1y, r1z, r2x, r2y, r2z);
        double n01 = Dot(c01, c01), n02 = Dot(c02, c02), n12 = Dot(c12, c12);
        var best = n01 >= n02 && n01 >= n12 ? c01 : n02 >= n12 ? c02 : c12;
        double nb = Math.Max(n01, Math.Max(n02, n12));
        if (nb > 1e-40)
        {
            double inv = 1 / Math.Sqrt(nb);
            return (best.X * inv, best.Y * inv, best.Z * inv);
        }
        // Repeated smallest eigenvalue (rank ≤ 1 residual): any vector orthogonal to the dominant row works.
        var rows = new[] { (r0x, r0y, r0z), (r1x, r1y, r1z), (r2x, r2y, r2z) };
        var big = rows.MaxBy(t => Dot(t, t));
        if (Dot(big, big) < 1e-40) return (0, 0, 1);
        var ortho = Math.Abs(big.Item1) > Math.Abs(big.Item3) ? (-big.Item2, big.Item1, 0.0) : (0.0, -big.Item3, big.Item2);
        double o = Math.Sqrt(Dot(ortho, ortho));
        return (ortho.Item1 / o, ortho.Item2 / o, ortho.Item3 / o);
    }

    private static (double X, double Y, double Z) Cross(double ax, double ay, double az, double bx, double by, double bz) =>
        (ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx);

    private static double Dot((double X, double Y, double Z) a, (double X, double Y, double Z) b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;
}
