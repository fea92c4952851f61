namespace Inspecta.Geometry.IO;

/// <summary>PCD DATA section encodings.</summary>
public enum PcdEncoding { Ascii, Binary, BinaryCompressed }
