namespace Inspecta.Geometry.IO;

/// <summary>PLY body encodings.</summary>
public enum PlyEncoding { Ascii, BinaryLittleEndian, BinaryBigEndian }
