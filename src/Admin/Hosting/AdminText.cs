using Microsoft.Extensions.Localization;

[assembly: RootNamespace("Iess.Admin")]

namespace Iess.Admin;

/// <summary>Anchor type for the texts officers read: Resources/AdminText.resx (es-EC) and AdminText.en.resx.</summary>
public sealed class AdminText;
