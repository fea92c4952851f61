namespace Inspecta.Torch.Nn;

/// <summary>One row of a layer table: a k×k convolution with stride and padding producing <see cref="Channels"/> maps.</summary>
public readonly record struct ConvLayer(int Kernel, int Stride, int Padding, int Channels);
