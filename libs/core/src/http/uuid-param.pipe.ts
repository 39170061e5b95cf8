import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs cannot exist: the contract answers them with 404, like unknown ids. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  constructor(private readonly what = 'The resource') {}

  transform(value: string): string {
    if (!UUID.test(value)) throw new NotFoundError(this.what);
    return value.toLowerCase();
  }
}
