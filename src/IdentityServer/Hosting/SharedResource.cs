using Microsoft.Extensions.Localization;

[assembly: RootNamespace("Iess.Identity")]

namespace Iess.Identity;

/// <summary>Anchor type for the texts people read: Resources/SharedResource.resx (es-EC) and SharedResource.en.resx.</summary>
public sealed class SharedResource;
