// Audit images: at most 3, each under 800 KB, sent as base64 with their content type.

export const MAX_IMAGES = 3;
export const MAX_IMAGE_BYTES = 800 * 1024;
export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];

export interface ImageUpload {
  filename: string;
  content_type: string;
  data_base64: string;
}

/** Why this file cannot be attached, or null when it can. */
export function imageProblem(file: { size: number; type: string }): "type" | "size" | null {
  if (!IMAGE_TYPES.includes(file.type)) return "type";
  if (file.size >= MAX_IMAGE_BYTES) return "size";
  return null;
}

export async function toUpload(file: File): Promise<ImageUpload> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { filename: file.name, content_type: file.type, data_base64: btoa(binary) };
}
