import { ApiProperty } from '@nestjs/swagger';
import { UserView } from '@app/users';

export class AuthSessionView {
  @ApiProperty({ description: 'Bearer JWT; carries the session id' }) accessToken!: string;
  @ApiProperty({ description: 'opaque; rotated on every refresh' }) refreshToken!: string;
  @ApiProperty({ description: 'seconds until the access token expires' }) expiresIn!: number;
  @ApiProperty({ type: UserView }) user!: UserView;
}
