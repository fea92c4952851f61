using System.Buffers;
using System.Runtime.CompilerServices;

namespace Inspecta.Geometry.Spatial;

/// <summary>
/// A 3-d tree over float32 points for exact nearest-neighbour queries. Points with a non-finite coordinate are
/// left out (never returned). Neighbours are the points strictly closer than a radius (as nanoflann/Open3D);
/// results are sorted by distance. Thread-safe for concurrent queries once built.
/// </summary>
public sealed class KdTree
{
    private struct Node
    {
        public float Split;
        public int Dim;      // -1 for a leaf
        public int Left, Right; // children (inner) …
        public int Start, End;  // … or the leaf's range in the reordered point arrays
    }

    private const int BlockSize = 256;
    private readonly Node[] _nodes;
    private int _nodeCount;
    // Points in tree order, structure of arrays, plus their original indices.
    private readonly float[] _x, _y, _z;
    private readonly int[] _ids;
    private readonly int _leafSize;

    /// <summary>Number of points given (including skipped non-finite ones).</summary>
    public int Count { get; }
    /// <summary>Number of points in the tree (finite ones).</summary>
    public int IndexedCount => _ids.Length;

    public KdTree(PointCloud cloud, int leafSize = 10) : this(cloud.Positions, leafSize) { }

    /// <param name="xyz">Interleaved x,y,z; copied.</param>
    public KdTree(ReadOnlySpan<float> xyz, int leafSize = 10)
    {
        if (xyz.Length % 3 != 0) throw new ArgumentException("xyz length must be a multiple of 3.", nameof(xyz));
        ArgumentOutOfRangeException.ThrowIfLessThan(leafSize, 1);
        _leafSize = leafSize;
        Count = xyz.Length / 3;
        int finite = 0;
        for (int i = 0; i < Count; i++) if (IsFinite(xyz, i)) finite++;
        var order = new int[finite];
        for (int i = 0, k = 0; i < Count; i++) if (IsFinite(xyz, i)) order[k++] = i;
        var px = new float[finite]; var py = new float[finite]; var pz = new float[finite];
        for (int k = 0; k < finite; k++) { px[k] = xyz[3 * order[k]]; py[k] = xyz[3 * order[k] + 1]; pz[k] = xyz[3 * order[k] + 2]; }

        _nodes = new Node[Math.Max(1, 2 * (finite / Math.Max(1, leafSize / 2) + 1))];
        var perm = new int[finite];
        for (int k = 0; k < finite; k++) perm[k] = k;
        if (finite > 0) Build(perm, px, py, pz, 0, finite);
        _x = new float[finite]; _y = new float[finite]; _z = new float[finite]; _ids = new int[finite];
        for (int k = 0; k < finite; k++) { int p = perm[k]; _x[k] = px[p]; _y[k] = py[p]; _z[k] = pz[p]; _ids[k] = order[p]; }
    }

    private static bool IsFinite(ReadOnlySpan<float> xyz, int i) => float.IsFinite(xyz[3 * i]) && float.IsFinite(xyz[3 * i + 1]) && float.IsFinite(xyz[3 * i + 2]);

    private int Build(int[] perm, float[] px, float[] py, float[] pz, int start, int end)
    {
        int id = _nodeCount++;
        if (end - start <= _leafSize)
        {
            _nodes[id] = new Node { Dim = -1, Start = start, End = end };
            return id;
        }
        float minX = float.MaxValue, minY = float.MaxValue, minZ = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue, maxZ = float.MinValue;
        for (int k = start; k < end; k++)
        {
            int p = perm[k];
            minX = MathF.Min(minX, px[p]); maxX = MathF.Max(maxX, px[p]);
            minY = MathF.Min(minY, py[p]); maxY = MathF.Max(maxY, py[p]);
            minZ = MathF.Min(minZ, pz[p]); maxZ = MathF.Max(maxZ, pz[p]);
        }
        float ex = maxX - minX, ey = maxY - minY, ez = maxZ - minZ;
        int dim = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
        float[] coord = dim == 0 ? px : dim == 1 ? py : pz;
        int mid = (start + end) >> 1;
        Select(perm, coord, start, end - 1, mid);
        float split = coord[perm[mid]];
        int left = Build(perm, px, py, pz, start, mid);
        int right = Build(perm, px, py, pz, mid, end);
        _nodes[id] = new Node { Dim = dim, Split = split, Left = left, Right = right };
        return id;
    }

    /// <summary>Quickselect: afterwards perm[kth] holds the kth smallest coordinate, smaller ones before, larger after.</summary>
    private static void Select(int[] perm, float[] coord, int lo, int hi, int kth)
    {
        while (hi > lo)
        {
            int m = lo + ((hi - lo) >> 1);
            // Median of three as pivot.
            if (coord[perm[m]] < coord[perm[lo]]) (perm[m], perm[lo]) = (perm[lo], perm[m]);
            if (coord[perm[hi]] < coord[perm[lo]]) (perm[hi], perm[lo]) = (perm[lo], perm[hi]);
            if (coord[perm[hi]] < coord[perm[m]]) (perm[hi], perm[m]) = (perm[m], perm[hi]);
            float pivot = coord[perm[m]];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (coord[perm[i]] < pivot) i++;
                while (coord[perm[j]] > pivot) j--;
                if (i <= j) { (perm[i], perm[j]) = (perm[j], perm[i]); i++; j--; }
            }
            if (kth <= j) hi = j;
            else if (kth >= i) lo = i;
            else return;
        }
    }

    /// <summary>
    /// The k nearest points (optionally only those strictly closer than <paramref name="maxDistance"/>), nearest
    /// first. Returns how many were found (less than k when the tree is small or the radius limits it).
    /// </summary>
    public int Knn(float x, float y, float z, int k, Span<int> indices, Span<float> sqDistances, float maxDistance = float.PositiveInfinity)
    {
        if (indices.Length < k || sqDistances.Length < k) throw new ArgumentException($"Result spans must hold k = {k} entries.");
        if (k <= 0 || _ids.Length == 0) return 0;
        var s = new KnnSearch(this, x, y, z, indices[..k], sqDistances[..k], float.IsPositiveInfinity(maxDistance) ? float.PositiveInfinity : maxDistance * maxDistance);
        s.Visit(0, 0f, 0f, 0f, 0f);
        return s.Found;
    }

    /// <summary>
    /// All points strictly closer than <paramref name="radius"/> (or the <paramref name="maxNeighbours"/> nearest
    /// of them, as Open3D's hybrid search), sorted by distance, into <paramref name="result"/> (cleared first).
    /// </summary>
    public int Radius(float x, float y, float z, float radius, NeighbourList result, int maxNeighbours = int.MaxValue)
    {
        result.Clear();
        if (_ids.Length == 0 || !(radius > 0)) return 0;
        if (maxNeighbours < int.MaxValue)
        {
            result.Reserve(maxNeighbours);
            int found = Knn(x, y, z, maxNeighbours, result.IndexStorage, result.DistanceStorage, radius);
            result.SetCount(found);
            return found;
        }
        var s = new RadiusSearch(this, x, y, z, radius * radius, result);
        s.Visit(0, 0f, 0f, 0f, 0f);
        result.Sort();
        return result.Count;
    }

    /// <summary>
    /// k-NN for many queries (interleaved xyz), in parallel. Row q of the results holds query q's neighbours
    /// nearest first; missing entries (fewer than k found) are index -1 with distance +∞.
    /// </summary>
    public (int[] Indices, float[] SqDistances) KnnBatch(ReadOnlySpan<float> queries, int k, float maxDistance = float.PositiveInfinity)
    {
        int n = queries.Length / 3;
        var indices = new int[(long)n * k];
        var d2 = new float[(long)n * k];
        KnnBatch(queries.ToArray(), k, indices, d2, maxDistance);
        return (indices, d2);
    }

    /// <summary>k-NN for many queries into caller-owned arrays of length n·k (see the other overload).</summary>
    public void KnnBatch(float[] queries, int k, int[] indices, float[] sqDistances, float maxDistance = float.PositiveInfinity)
    {
        int n = queries.Length / 3;
        if (indices.Length < (long)n * k || sqDistances.Length < (long)n * k) throw new ArgumentException($"Result arrays must hold {n}×{k} entries.");
        int[] order = SpatialOrder.Morton(queries); // neighbouring queries share tree paths and cache lines
        int blocks = (n + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocks, b =>
        {
            int end = Math.Min(n, (b + 1) * BlockSize);
            for (int t = b * BlockSize; t < end; t++)
            {
                int q = order[t];
                var ix = indices.AsSpan(q * k, k);
                var dd = sqDistances.AsSpan(q * k, k);
                int found = Knn(queries[3 * q], queries[3 * q + 1], queries[3 * q + 2], k, ix, dd, maxDistance);
                ix[found..].Fill(-1);
                dd[found..].Fill(float.PositiveInfinity);
            }
        });
    }

    /// <summary>Radius (or hybrid, with <paramref name="maxNeighbours"/>) search for many queries, in parallel.</summary>
    public NeighbourGraph RadiusBatch(ReadOnlySpan<float> queries, float radius, int maxNeighbours = int.MaxValue)
    {
        int n = queries.Length / 3;
        float[] q = queries.ToArray();
        int[] order = SpatialOrder.Morton(q); // neighbouring queries share tree paths and cache lines
        int blocks = (n + BlockSize - 1) / BlockSize;
        // Per-block results go to pooled buffers, so the only lasting allocation is the final CSR arrays.
        var blockIdx = new int[blocks][];
        var blockD2 = new float[blocks][];
        var localStart = new int[n];
        var counts = new int[n];
        Parallel.For(0, blocks, () => new NeighbourList(), (b, _, list) =>
        {
            int start = b * BlockSize, end = Math.Min(n, start + BlockSize);
            int[] ix = ArrayPool<int>.Shared.Rent((end - start) * 32);
            float[] dd = ArrayPool<float>.Shared.Rent(ix.Length);
            int used = 0;
            for (int t = start; t < end; t++)
            {
                int i = order[t];
                localStart[t] = used;
                int c = counts[i] = Radius(q[3 * i], q[3 * i + 1], q[3 * i + 2], radius, list, maxNeighbours);
                if (used + c > ix.Length)
                {
                    int size = Math.Max(2 * ix.Length, used + c);
                    int[] ix2 = ArrayPool<int>.Shared.Rent(size); float[] dd2 = ArrayPool<float>.Shared.Rent(size);
                    Array.Copy(ix, ix2, used); Array.Copy(dd, dd2, used);
                    ArrayPool<int>.Shared.Return(ix); ArrayPool<float>.Shared.Return(dd);
                    ix = ix2; dd = dd2;
                }
                list.Indices.CopyTo(ix.AsSpan(used));
                list.SqDistances.CopyTo(dd.AsSpan(used));
                used += c;
            }
            blockIdx[b] = ix;
            blockD2[b] = dd;
            return list;
        }, _ => { });
        var offsets = new int[n + 1];
        for (int i = 0; i < n; i++) offsets[i + 1] = checked(offsets[i] + counts[i]);
        var indices = new int[offsets[n]];
        var d2 = new float[offsets[n]];
        Parallel.For(0, blocks, b =>
        {
            int start = b * BlockSize, end = Math.Min(n, start + BlockSize);
            for (int t = start; t < end; t++)
            {
                int i = order[t];
                Array.Copy(blockIdx[b], localStart[t], indices, offsets[i], counts[i]);
                Array.Copy(blockD2[b], localStart[t], d2, offsets[i], counts[i]);
            }
            ArrayPool<int>.Shared.Return(blockIdx[b]);
            ArrayPool<float>.Shared.Return(blockD2[b]);
        });
        return new NeighbourGraph(offsets, indices, d2);
    }

    private ref struct KnnSearch
    {
        private readonly KdTree _t;
        private readonly float _qx, _qy, _qz;
        private readonly Span<int> _idx;
        private readonly Span<float> _dist;
        private readonly int _k;
        private float _worst;
        public int Found;

        public KnnSearch(KdTree t, float qx, float qy, float qz, Span<int> idx, Span<float> dist, float maxSq)
        {
            _t = t; _qx = qx; _qy = qy; _qz = qz; _idx = idx; _dist = dist; _k = idx.Length; _worst = maxSq; Found = 0;
        }

        // minDist: squared distance from the query to this node's cell, kept incrementally per axis (ox, oy, oz).
        public void Visit(int node, float minDist, float ox, float oy, float oz)
        {
            ref readonly Node n = ref _t._nodes[node];
            if (n.Dim < 0)
            {
                float[] xs = _t._x, ys = _t._y, zs = _t._z;
                int[] ids = _t._ids;
                for (int i = n.Start; i < n.End; i++)
                {
                    float dx = xs[i] - _qx, dy = ys[i] - _qy, dz = zs[i] - _qz;
                    float d = dx * dx + dy * dy + dz * dz;
                    // Exact ties are broken by original index, so results never depend on the tree layout.
                    if (d < _worst || (d == _worst && Found == _k && ids[i] < _idx[_k - 1])) Insert(ids[i], d);
                }
                return;
            }
            float diff = (n.Dim == 0 ? _qx : n.Dim == 1 ? _qy : _qz) - n.Split;
            int near = diff < 0 ? n.Left : n.Right, far = diff < 0 ? n.Right : n.Left;
            Visit(near, minDist, ox, oy, oz);
            float old = n.Dim == 0 ? ox : n.Dim == 1 ? oy : oz;
            float farDist = minDist - old * old + diff * diff;
            if (farDist <= _worst)
            {
                if (n.Dim == 0) Visit(far, farDist, diff, oy, oz);
                else if (n.Dim == 1) Visit(far, farDist, ox, diff, oz);
                else Visit(far, farDist, ox, oy, diff);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Insert(int id, float d)
        {
            int pos = Found < _k ? Found++ : _k - 1;
            while (pos > 0 && (_dist[pos - 1] > d || (_dist[pos - 1] == d && _idx[pos - 1] > id))) { _dist[pos] = _dist[pos - 1]; _idx[pos] = _idx[pos - 1]; pos--; }
            _dist[pos] = d; _idx[pos] = id;
            if (Found == _k) _worst = _dist[_k - 1];
        }
    }

    private readonly ref struct RadiusSearch
    {
        private readonly KdTree _t;
        private readonly float _qx, _qy, _qz, _r2;
        private readonly NeighbourList _out;

        public RadiusSearch(KdTree t, float qx, float qy, float qz, float r2, NeighbourList output)
        {
            _t = t; _qx = qx; _qy = qy; _qz = qz; _r2 = r2; _out = output;
        }

        public void Visit(int node, float minDist, float ox, float oy, float oz)
        {
            ref readonly Node n = ref _t._nodes[node];
            if (n.Dim < 0)
            {
                float[] xs = _t._x, ys = _t._y, zs = _t._z;
                int[] ids = _t._ids;
                for (int i = n.Start; i < n.End; i++)
                {
                    float dx = xs[i] - _qx, dy = ys[i] - _qy, dz = zs[i] - _qz;
                    float d = dx * dx + dy * dy + dz * dz;
                    if (d < _r2) _out.Add(ids[i], d);
                }
                return;
            }
            float diff = (n.Dim == 0 ? _qx : n.Dim == 1 ? _qy : _qz) - n.Split;
            int near = diff < 0 ? n.Left : n.Right, far = diff < 0 ? n.Right : n.Left;
            Visit(near, minDist, ox, oy, oz);
            float old = n.Dim == 0 ? ox : n.Dim == 1 ? oy : oz;
            float farDist = minDist - old * old + diff * diff;
            if (farDist < _r2)
            {
                if (n.Dim == 0) Visit(far, farDist, diff, oy, oz);
                else if (n.Dim == 1) Visit(far, farDist, ox, diff, oz);
                else Visit(far, farDist, ox, oy, diff);
            }
        }
    }
}
