import { Injectable } from '@nestjs/common';

/** The time the application reasons with; tests replace it to move time without sleeping. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
