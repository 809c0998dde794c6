using System.Globalization;
using System.Text;

namespace Iess.Identity.Recovery;

/// <summary>One question of the catalogue, Spanish first.</summary>
public sealed record SecurityQuestion(int Id, string Spanish, string English)
{
    public string Text => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? English : Spanish;
}

/// <summary>The Spanish catalogue of security questions and how answers are compared.</summary>
public static class SecurityQuestions
{
    public static readonly IReadOnlyList<SecurityQuestion> All =
    [
        new(1, "¿Cuál era el nombre de su primera mascota?", "What was the name of your first pet?"),
        new(2, "¿En qué ciudad nació su madre?", "In which city was your mother born?"),
        new(3, "¿Cómo se llamaba su escuela primaria?", "What was the name of your primary school?"),
        new(4, "¿Cuál es el segundo nombre de su padre?", "What is your father's middle name?"),
        new(5, "¿Cómo se llamaba su mejor amigo o amiga de la infancia?", "What was the name of your best childhood friend?"),
        new(6, "¿Cuál fue su primer trabajo?", "What was your first job?"),
        new(7, "¿Cuál es el apellido de soltera de su abuela materna?", "What is your maternal grandmother's maiden name?"),
        new(8, "¿En qué ciudad se conocieron sus padres?", "In which city did your parents meet?"),
        new(9, "¿Cuál fue la marca de su primer auto o bicicleta?", "What was the make of your first car or bicycle?"),
        new(10, "¿Cuál es el nombre de su profesor o profesora favorita?", "What is the name of your favourite teacher?"),
        new(11, "¿Cuál es su plato típico favorito?", "What is your favourite traditional dish?"),
        new(12, "¿En qué barrio vivía a los diez años?", "Which neighbourhood did you live in at age ten?"),
    ];

    public static SecurityQuestion? Find(int id) => All.FirstOrDefault(q => q.Id == id);

    /// <summary>Answers compare without case, accents, punctuation or extra spaces: "  San José " equals "san jose".</summary>
    public static string NormalizeAnswer(string? answer)
    {
        var decomposed = (answer ?? "").Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(c);
                space = false;
            }
            else
            {
                space = true;
            }
        }

        return builder.ToString();
    }
}

/// <summary>A registered answer: the question and the Argon2id hash of the normalised answer.</summary>
public class SecurityAnswer
{
    public long Id { get; set; }

    public string UserId { get; set; } = "";

    public int QuestionId { get; set; }

    public string AnswerHash { get; set; } = "";
}
