import { z } from 'zod';

/**
 * The thresholds of the decision, stored in `content/decision.yaml`. They are tuned on the
 * development evaluation set by `kb tune`, never by hand for particular questions.
 */
export const decisionConfigSchema = z
  .object({
    /** Minimum score of the best result to answer directly. */
    answer: z.number().min(0).max(1),
    /** Minimum gap between the first and second results to answer rather than clarify. */
    margin: z.number().min(0).max(1),
    /** Minimum score of the best result to offer a choice rather than fall back. */
    clarify: z.number().min(0).max(1),
    /** Results scoring below `clarifyRatio` x the best are not offered as choices. */
    clarifyRatio: z.number().min(0).max(1),
    /** Where the thresholds come from, for the record. */
    tunedOn: z.string().optional(),
  })
  .strict()
  .refine((c) => c.clarify <= c.answer, { message: 'clarify must not exceed answer', path: ['clarify'] });
export type DecisionConfig = z.infer<typeof decisionConfigSchema>;
