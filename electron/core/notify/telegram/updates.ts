/**
 * The parts of Bot API updates the bot reads, checked with zod so a
 * surprising update is skipped (and its offset confirmed) instead of
 * breaking the poll loop. Unknown fields are kept.
 */
import { z } from 'zod';

const chatIdSchema = z.union([z.number(), z.string()]).transform(String);

export const tgUserSchema = z
  .object({
    id: z.number(),
    is_bot: z.boolean().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    username: z.string().optional(),
  })
  .loose();
export type TgUser = z.infer<typeof tgUserSchema>;

export const tgChatSchema = z
  .object({
    id: chatIdSchema,
    type: z.string().optional(),
    title: z.string().optional(),
    username: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
  })
  .loose();
export type TgChat = z.infer<typeof tgChatSchema>;

export const tgMessageSchema = z
  .object({
    message_id: z.number().optional(),
    chat: tgChatSchema,
    from: tgUserSchema.optional(),
    text: z.string().optional(),
    new_chat_members: z.array(tgUserSchema).optional(),
    migrate_to_chat_id: z.number().optional(),
  })
  .loose();
export type TgMessage = z.infer<typeof tgMessageSchema>;

export const tgCallbackQuerySchema = z
  .object({
    id: z.string(),
    from: tgUserSchema,
    message: tgMessageSchema.optional(),
    data: z.string().optional(),
  })
  .loose();
export type TgCallbackQuery = z.infer<typeof tgCallbackQuerySchema>;

export const tgChatMemberUpdatedSchema = z
  .object({
    chat: tgChatSchema,
    from: tgUserSchema,
    new_chat_member: z.object({ status: z.string(), user: tgUserSchema }).loose(),
  })
  .loose();
export type TgChatMemberUpdated = z.infer<typeof tgChatMemberUpdatedSchema>;

export const tgUpdateSchema = z
  .object({
    update_id: z.number().int(),
    message: tgMessageSchema.optional(),
    callback_query: tgCallbackQuerySchema.optional(),
    my_chat_member: tgChatMemberUpdatedSchema.optional(),
  })
  .loose();
export type TgUpdate = z.infer<typeof tgUpdateSchema>;

/** The update kinds the bot asks for (getUpdates `allowed_updates`). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'];
