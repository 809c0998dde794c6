using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Recovery;

/// <summary>Sets an account's security image and three security questions (answers normalised, then hashed).</summary>
public sealed class SecurityProfile(IessDbContext db, IPasswordHasher<IessUser> hasher)
{
    /// <summary>Pairs the posted question ids and answers; true when they are three different questions, each answered.</summary>
    public static bool TryCollect(int? image, int[] questionIds, string[] answers, out Dictionary<int, string> collected)
    {
        collected = [];
        for (var i = 0; i < Math.Min(questionIds.Length, answers.Length); i++)
        {
            var answer = answers[i] ?? "";
            if (SecurityQuestions.Find(questionIds[i]) is not null && answer.Length <= 100 && SecurityQuestions.NormalizeAnswer(answer).Length >= 2)
            {
                collected.TryAdd(questionIds[i], answer);
            }
        }

        return image is { } id && SecurityImages.Find(id) is not null && collected.Count == 3;
    }

    public async Task SetAsync(IessUser user, int imageId, IReadOnlyDictionary<int, string> answers)
    {
        if (SecurityImages.Find(imageId) is null)
        {
            throw new ArgumentOutOfRangeException(nameof(imageId), "Unknown security image.");
        }

        if (answers.Count != 3 || answers.Keys.Any(id => SecurityQuestions.Find(id) is null) ||
            answers.Values.Any(a => SecurityQuestions.NormalizeAnswer(a).Length < 2))
        {
            throw new ArgumentException("Three different catalogue questions with non-empty answers are required.", nameof(answers));
        }

        await db.SecurityAnswers.Where(a => a.UserId == user.Id).ExecuteDeleteAsync();
        foreach (var (questionId, answer) in answers)
        {
            db.SecurityAnswers.Add(new SecurityAnswer
            {
                UserId = user.Id,
                QuestionId = questionId,
                AnswerHash = hasher.HashPassword(user, SecurityQuestions.NormalizeAnswer(answer)),
            });
        }

        user.SecurityImageId = imageId;
        await db.SaveChangesAsync();
    }
}
